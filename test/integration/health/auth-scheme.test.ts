import { afterEach, describe, expect, it } from 'vitest';
import { HealthServer } from '../../../src/health/http.js';
import { createMetrics } from '../../../src/health/metrics.js';
import { Readiness } from '../../../src/health/readiness.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function metricsStatus(authorization: string): Promise<number> {
  if (servers.length === 0) {
    const metrics = createMetrics({ processMetrics: false, throttled: async () => null });
    servers.push(
      await HealthServer.start({
        host: '127.0.0.1',
        port: 0,
        token: 's3cret',
        metricsOpen: false,
        registry: metrics.registry,
        readiness: new Readiness(),
      }),
    );
  }
  const res = await fetch(`${servers[0]!.url}/metrics`, { headers: { authorization } });
  await res.arrayBuffer();
  return res.status;
}

describe('the health server reads the Authorization scheme', () => {
  // RFC 9110 section 11.1: "It uses a case-insensitive token to identify the authentication scheme".
  it.each(['Bearer s3cret', 'bearer s3cret', 'BEARER s3cret', 'bEaReR   s3cret'])(
    'in any case: %s',
    async (authorization) => {
      expect(await metricsStatus(authorization)).toBe(200);
    },
  );

  it.each(['Bearer S3CRET', 'Bearers3cret', 'Basic s3cret', 'bearer', 's3cret'])(
    'but not another scheme, or a token in another case: %s',
    async (authorization) => {
      expect(await metricsStatus(authorization)).toBe(401);
    },
  );
});
