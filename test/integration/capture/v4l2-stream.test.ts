import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureSource } from '../../../src/capture/capture-source.js';
import type { DecodeRoute } from '../../../src/capture/sources/mjpeg-route.js';
import { v4l2Driver } from '../../../src/capture/sources/v4l2.js';
import { systemClock } from '../../../src/time/clock.js';
import { alive, childProcesses, collect, makeTestVideo } from './helpers.js';

/**
 * The v4l2 source's own code (argument building, ffmpeg supervision, MJPEG pass-through or
 * ffmpeg decoding, restarts) with one substitution: there is no USB camera on these machines, so
 * ffmpeg's device input is replaced by a looping MJPEG stream made from lavfi's testsrc.
 */

const dir = mkdtempSync(join(tmpdir(), 'edgecam-v4l2-'));
const stream = join(dir, 'camera.mjpeg');
beforeAll(() => makeTestVideo(stream, 320, 240, 30, 30));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const camera = { id: 'bench', width: 320, height: 240, fps: 30 };
const source = { kind: 'v4l2' as const, device: '/dev/video0', format: 'mjpeg' as const };
const inputArgs = ['-re', '-f', 'mjpeg', '-framerate', '30', '-stream_loop', '-1', '-i', stream];

function makeSource(route: DecodeRoute) {
  const context = { ffmpegPath: '', clock: systemClock, path: process.env.PATH ?? '', devDir: '/dev' };
  return new CaptureSource(v4l2Driver(camera, source, context, { inputArgs, route }), {
    id: camera.id,
    width: camera.width,
    height: camera.height,
    orientation: { rotate: 0, flip: 'none', gray: false },
    stallTimeoutMs: 10_000,
    backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 },
  });
}

describe('v4l2 source through ffmpeg (testsrc MJPEG in place of a camera)', () => {
  it.each(['ffmpeg', 'sharp'] as const)(
    'delivers RGB frames of the configured size in seq order (%s decoding)',
    async (route) => {
      const frames = await collect(makeSource(route), (f) => f.length >= 8);
      for (const frame of frames) {
        expect([frame.width, frame.height, frame.channels, frame.data.length]).toEqual([
          320,
          240,
          3,
          320 * 240 * 3,
        ]);
        expect(frame.source).toBe('bench');
      }
      const seqs = frames.map((f) => f.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    },
  );

  it('restarts ffmpeg killed mid-stream: offline, then online, and frames resume', async () => {
    const capture = makeSource('ffmpeg');
    const events: string[] = [];
    capture.events.on('online', () => events.push('online'));
    capture.events.on('offline', (e) => events.push(`offline: ${e.reason}`));
    const pids: number[] = [];
    const frames = await collect(
      capture,
      (f) => events.length >= 3 && f.length >= 10,
      () => {
        const ffmpeg = childProcesses().find((c) => c.name === 'ffmpeg');
        if (ffmpeg !== undefined && !pids.includes(ffmpeg.pid)) pids.push(ffmpeg.pid);
        if (pids.length === 1 && events.length === 1) process.kill(pids[0]!, 'SIGKILL');
      },
    );
    expect(events).toEqual(['online', 'offline: ffmpeg was killed by SIGKILL', 'online']);
    expect(pids.length).toBe(2);
    expect(capture.stats().restarts).toBe(1);
    const seqs = frames.map((f) => f.seq);
    expect(seqs.at(-1)).toBeGreaterThan(seqs[0]!);
    // Stopping (collect breaks out of the loop) has ended the second ffmpeg too.
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves no child process once stopped', async () => {
    const capture = makeSource('sharp');
    let pid: number | undefined;
    await collect(
      capture,
      (f) => f.length >= 3,
      () => {
        pid ??= childProcesses().find((c) => c.name === 'ffmpeg')?.pid;
      },
    );
    expect(pid).toBeDefined();
    // The loop has ended, so ffmpeg has exited and been reaped: no waiting needed.
    expect(alive(pid!)).toBe(false);
    expect(childProcesses().filter((c) => c.name === 'ffmpeg')).toEqual([]);
  });
});
