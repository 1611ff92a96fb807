import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureSource } from '../../../src/capture/capture-source.js';
import type { CameraDriver } from '../../../src/capture/source.js';
import { driverFor } from '../../../src/capture/sources/index.js';
import { doublingBackoff } from '../../../src/time/backoff.js';
import { systemClock } from '../../../src/time/clock.js';
import { cameraConfig } from './helpers.js';

/**
 * An MJPEG-over-HTTP camera that goes away and comes back on the same port while the restart
 * backoff is ten minutes long: the real http driver (ffmpeg) is started again as soon as its TCP
 * probe reaches the camera, and not once while it is away. The assertions are on what ran and in
 * which order, never on how long it took.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local MJPEG camera on `port` (0: any); close() drops its viewers as a camera losing power would. */
async function mjpegCamera(jpeg: Buffer, port: number) {
  const viewers = new Set<ServerResponse>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
    viewers.add(res);
    const timer = setInterval(() => {
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    }, 40);
    res.on('close', () => {
      clearInterval(timer);
      viewers.delete(res);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const res of viewers) res.destroy();
      await closed;
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('http source reconnecting', () => {
  it('restarts ffmpeg when the camera answers again, not when a long backoff runs out', async () => {
    const jpeg = await sharp({ create: { width: 160, height: 120, channels: 3, background: 'gray' } })
      .jpeg()
      .toBuffer();
    let camera = await mjpegCamera(jpeg, 0);
    const url = `http://127.0.0.1:${camera.port}/video.mjpg`;
    const config = cameraConfig({ source: { kind: 'http', url }, width: 160, height: 120, fps: 10 });
    const context = { ffmpegPath: '', clock: systemClock, path: process.env.PATH ?? '', devDir: '/dev' };
    const real = driverFor(config, context);
    // What the source did, in order: each ffmpeg start, and each probe that reached the camera.
    const record: string[] = [];
    let probes = 0;
    const driver: CameraDriver = {
      description: real.description,
      preflight: () => real.preflight?.() ?? Promise.resolve(),
      run: (sink, signal) => {
        record.push('run');
        return real.run(sink, signal);
      },
      reachable: async (signal) => {
        probes++;
        const answered = (await real.reachable?.(signal)) === true;
        if (answered) record.push('reachable');
        return answered;
      },
    };
    const source = new CaptureSource(driver, {
      id: config.id,
      width: config.width,
      height: config.height,
      orientation: { rotate: 0, flip: 'none', gray: false },
      stallTimeoutMs: 10_000,
      backoff: doublingBackoff(600_000, 600_000),
      random: () => 0, // no jitter: the backoff is the full ten minutes
    });
    const events: string[] = [];
    source.events.on('online', () => events.push('online'));
    source.events.on('offline', (e) => events.push(`offline, retry in ${e.retryInMs}`));
    const stop = new AbortController();
    const reading = (async () => {
      for await (const _ of source.frames(stop.signal));
    })();
    cleanups.push(async () => {
      stop.abort();
      await reading;
    });
    cleanups.push(() => camera.close());

    await until(() => events.length === 1);
    await camera.close();
    await until(() => events.length === 2);
    // Away for a few probes (waited for, not slept: a busy machine runs them late), none of which
    // reached the camera or started ffmpeg.
    const before = probes;
    await until(() => probes >= before + 3);
    expect(record).toEqual(['run']);

    camera = await mjpegCamera(jpeg, camera.port);
    await until(() => events.length === 3);
    expect(events).toEqual(['online', 'offline, retry in 600000', 'online']);
    expect(record).toEqual(['run', 'reachable', 'run']);
  }, 120_000);
});
