import { HealthServer } from '../../../src/health/http.js';
import { createMetrics } from '../../../src/health/metrics.js';
import { Readiness } from '../../../src/health/readiness.js';

/** A health server on a free loopback port, as the daemon starts it, with an optional token. */
export async function startHealthServer(token = ''): Promise<HealthServer> {
  const metrics = createMetrics({ processMetrics: false, throttled: async () => null });
  return HealthServer.start({
    host: '127.0.0.1',
    port: 0,
    token,
    metricsOpen: false,
    registry: metrics.registry,
    readiness: new Readiness(),
  });
}
