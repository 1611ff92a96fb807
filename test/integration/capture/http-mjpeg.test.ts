import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { httpArgs, redactUrl, rtspArgs } from '../../../src/capture/sources/network.js';
import { cameraConfig, collect } from './helpers.js';

/**
 * An IP camera's MJPEG over HTTP, played by a local server (multipart/x-mixed-replace, as
 * cameras send it) that the test can stall, read by the real http source through ffmpeg.
 * RTSP is not served here: ffmpeg cannot serve RTSP to a pulling client and no RTSP server is
 * installed, so the rtsp source is checked by the arguments it gives ffmpeg.
 */

let server: Server;
let url: string;
let stalled = false;
let jpeg: Buffer;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  jpeg = await sharp({
    create: {
      width: 320,
      height: 240,
      channels: 3,
      background: 'black',
      noise: { type: 'gaussian', mean: 120, sigma: 40 },
    },
  })
    .jpeg()
    .toBuffer();
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
    open.add(res);
    // A stalled camera keeps the connection open and sends nothing.
    const timer = setInterval(() => {
      if (stalled) return;
      res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      res.write(jpeg);
      res.write('\r\n');
    }, 40);
    res.on('close', () => {
      clearInterval(timer);
      open.delete(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mjpg`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('http source (local MJPEG server)', () => {
  it('delivers frames scaled to the configured size', async () => {
    const source = createSource(
      cameraConfig({ source: { kind: 'http', url }, width: 160, height: 120, fps: 10 }),
    );
    const frames = await collect(source, (f) => f.length >= 3);
    expect(frames.map((f) => [f.width, f.height, f.channels])).toEqual([
      [160, 120, 3],
      [160, 120, 3],
      [160, 120, 3],
    ]);
  });

  it('detects a stalled camera, reconnects, and frames resume', async () => {
    stalled = false;
    const source = createSource(
      cameraConfig({ source: { kind: 'http', url }, width: 160, height: 120, fps: 10, stallTimeout: 1 }),
    );
    const events: string[] = [];
    source.events.on('online', () => {
      // The camera stalls once, right after its first frame came.
      if (!events.includes('online')) stalled = true;
      events.push('online');
    });
    source.events.on('offline', (e) => {
      events.push(`offline: ${e.reason}`);
      stalled = false;
    });
    await collect(source, () => events.filter((e) => e === 'online').length >= 2);
    // On a busy machine ffmpeg may take over the 1 s stallTimeout to bring its first frame, and the
    // watchdog restarts it: what counts is what follows the camera's first frame.
    expect(events.slice(events.indexOf('online'))).toEqual([
      'online',
      'offline: no frame for 1 s (stallTimeout)',
      'online',
    ]);
  });
});

describe('rtsp and http arguments for ffmpeg', () => {
  const camera = { id: 'gate', width: 640, height: 360, fps: 5 };

  it('reads RTSP over TCP by default, at the camera size and rate, without audio', () => {
    const args = rtspArgs(camera, { kind: 'rtsp', url: 'rtsp://cam/stream1', transport: 'tcp' });
    expect(args.join(' ')).toBe(
      '-hide_banner -nostdin -loglevel error -rtsp_transport tcp -fflags nobuffer -flags low_delay -i rtsp://cam/stream1 -an -vf fps=5,scale=640:360 -pix_fmt rgb24 -f rawvideo pipe:1',
    );
    expect(rtspArgs(camera, { kind: 'rtsp', url: 'rtsp://cam/s', transport: 'udp' })).toContain('udp');
    expect(httpArgs(camera, { kind: 'http', url: 'http://cam/v.mjpg' }).join(' ')).toContain(
      '-i http://cam/v.mjpg -an -vf fps=5,scale=640:360',
    );
  });

  it('keeps passwords out of messages', () => {
    expect(redactUrl('rtsp://admin:hunter2@192.168.1.20:554/stream1')).toBe(
      'rtsp://admin:***@192.168.1.20:554/stream1',
    );
    expect(redactUrl('http://cam/v.mjpg')).toBe('http://cam/v.mjpg');
  });
});
