// A stream client that never reads: the server skips frames for it instead of queueing them, so
// what its connection holds in edgecam stays under one frame, however many frames come.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import type { HealthServer } from '../../../src/health/http.js';
import { attachLiveView } from '../../../src/web/live-view.js';
import { startHealthServer } from './health-server.js';
import { SceneSource } from './scene-source.js';

const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

it('skips frames for a client that never reads, holding at most one frame for it', async () => {
  const source = new SceneSource(160, 120);
  source.addCamera('front');
  const server = await startHealthServer();
  servers.push(server);
  attachLiveView(server, source);

  const stalled = request(`${server.url}/api/cameras/front/stream.mjpeg`);
  const responded = new Promise<void>((resolve) =>
    stalled.on('response', (res) => {
      res.pause(); // reads nothing more: the kernel's socket buffers fill, then edgecam's
      resolve();
    }),
  );
  stalled.on('error', () => undefined);
  stalled.end();
  await responded;

  // 1 MB parts (incompressible, as far as the socket is concerned), 200 of them: 200 MB, far more
  // than the kernel's socket buffers on both ends hold.
  const part = randomBytes(1 << 20);
  for (let seq = 1; seq <= 200; seq++) {
    source.stream('front', part, seq);
    await new Promise((resolve) => setImmediate(resolve));
  }
  stalled.destroy();
  expect(source.skipped.length).toBeGreaterThan(100);
  // What was queued when a frame was skipped: never more than the one part before it (and its header).
  expect(Math.max(...source.skipped)).toBeLessThanOrEqual(part.length + 200);
});
