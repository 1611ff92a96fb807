import { afterEach, describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { HealthServer } from '../../../src/health/http.js';
import { createMetrics } from '../../../src/health/metrics.js';
import { cameraCheck, Readiness } from '../../../src/health/readiness.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(
  options: { token?: string; metricsOpen?: boolean; readiness?: Readiness; port?: number } = {},
) {
  const metrics = createMetrics({ processMetrics: false, throttled: async () => null });
  const server = await HealthServer.start({
    host: '127.0.0.1',
    port: options.port ?? 0,
    token: options.token ?? '',
    metricsOpen: options.metricsOpen ?? false,
    registry: metrics.registry,
    readiness: options.readiness ?? new Readiness(),
  });
  servers.push(server);
  return { server, metrics };
}

async function get(url: string, token?: string) {
  const res = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.text() };
}

describe('the health HTTP server', () => {
  it('turns /readyz not ready when a camera stalls, saying which, and ready again when it resumes', async () => {
    let now = 1_000_000;
    let lastFrame = now;
    const readiness = new Readiness();
    readiness.add(
      'camera:front',
      cameraCheck(
        () => lastFrame,
        10_000,
        () => now,
      ),
    );
    const { server } = await serve({ readiness });
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
    now += 15_000; // the camera delivers nothing for 15 s
    const stalled = await get(`${server.url}/readyz`);
    expect(stalled.status).toBe(503);
    expect(JSON.parse(stalled.body)).toEqual({
      ready: false,
      checks: { 'camera:front': { ready: false, detail: 'stalled: last frame 15.0 s ago (limit 10 s)' } },
    });
    lastFrame = now; // it resumes
    expect((await get(`${server.url}/readyz`)).status).toBe(200);
  });

  it('serves /healthz and Prometheus /metrics, and 404 elsewhere', async () => {
    const { server, metrics } = await serve();
    metrics.camera('front').captured.inc();
    const health = await get(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    const text = await get(`${server.url}/metrics`);
    expect(text.status).toBe(200);
    expect(text.body).toContain('edgecam_frames_captured_total{camera="front"} 1');
    expect((await get(`${server.url}/nope`)).status).toBe(404);
  });

  it('asks for the token on protected routes and /metrics (unless metricsOpen), not on health checks', async () => {
    const { server } = await serve({ token: 's3cret' });
    server.route('/snapshot.jpg', (_req, res) => {
      res.end('jpeg');
    });
    expect((await get(`${server.url}/metrics`)).status).toBe(401);
    expect((await get(`${server.url}/metrics`, 'wrong!')).status).toBe(401);
    expect((await get(`${server.url}/metrics`, 's3cret')).status).toBe(200);
    expect((await get(`${server.url}/snapshot.jpg`)).status).toBe(401);
    expect((await get(`${server.url}/snapshot.jpg`, 's3cret')).body).toBe('jpeg');
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    const { server: open } = await serve({ token: 's3cret', metricsOpen: true });
    expect((await get(`${open.url}/metrics`)).status).toBe(200);
  });

  it('reports a taken port as EDGECAM_ERR_HTTP_LISTEN and refuses the network without a token', async () => {
    const { server } = await serve();
    let error: unknown;
    try {
      await serve({ port: server.port });
    } catch (err) {
      error = err;
    }
    expect(isEdgecamError(error, 'EDGECAM_ERR_HTTP_LISTEN')).toBe(true);
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    const registry = createMetrics({ processMetrics: false }).registry;
    await expect(
      HealthServer.start({
        host: '0.0.0.0',
        port: 0,
        token: '',
        metricsOpen: false,
        registry,
        readiness: new Readiness(),
      }),
    ).rejects.toThrow(/http.token is empty/);
  });
});
