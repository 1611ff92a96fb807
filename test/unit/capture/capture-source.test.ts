import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../../src/capture/capture-source.js';
import type { CameraDriver, FrameSink, SessionEnd } from '../../../src/capture/source.js';
import { EdgecamError } from '../../../src/errors.js';
import type { Frame } from '../../../src/frame.js';
import { i420Size, i420ToRgb } from '../../../src/kernels/i420.js';
import { ManualClock, settle } from '../time/manual-clock.js';

/**
 * The restart, stall and event logic, driven by a scripted driver (each session delivers what
 * the test says, then ends or hangs) and a manual clock, so every delay is exact. The real
 * drivers with real ffmpeg are in test/integration/capture.
 */

type Session = (sink: FrameSink, signal: AbortSignal) => Promise<SessionEnd>;

function scripted(sessions: Session[], preflight?: () => Promise<void>): CameraDriver & { runs: number } {
  const driver = {
    runs: 0,
    description: 'scripted',
    ...(preflight === undefined ? {} : { preflight }),
    run(sink: FrameSink, signal: AbortSignal) {
      const session = sessions[Math.min(driver.runs++, sessions.length - 1)]!;
      return session(sink, signal);
    },
  };
  return driver;
}

const pixel = () => new Uint8Array([1, 2, 3, 4, 5, 6]);
/** Delivers `n` frames, then ends with `reason`. */
const frames =
  (n: number, reason = 'camera unplugged'): Session =>
  async (sink) => {
    for (let i = 0; i < n; i++) sink.raw(pixel(), 2, 1, 3);
    return { reason };
  };
/** Delivers `n` frames, then goes quiet until aborted. */
const hangs =
  (n: number): Session =>
  (sink, signal) => {
    for (let i = 0; i < n; i++) sink.raw(pixel(), 2, 1, 3);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ reason: 'stopped' })));
  };

function makeSource(driver: CameraDriver, clock: ManualClock) {
  const source = new CaptureSource(driver, {
    id: 'yard',
    width: 2,
    height: 1,
    orientation: { rotate: 0, flip: 'none', gray: false },
    stallTimeoutMs: 5000,
    clock,
    random: () => 0,
  });
  const log: string[] = [];
  source.events.on('online', (e) => log.push(`online after ${e.failedAttempts}`));
  source.events.on('offline', (e) => log.push(`offline: ${e.reason}, retry in ${e.retryInMs}`));
  source.events.on('retry', (e) => log.push(`retry ${e.attempt}: ${e.reason}, retry in ${e.retryInMs}`));
  return { source, log };
}

/** Reads frames in the background, as a consumer would. */
function consume(source: CaptureSource, signal: AbortSignal) {
  const got: Frame[] = [];
  const done = (async () => {
    for await (const frame of source.frames(signal)) got.push(frame);
  })();
  return { got, done };
}

describe('CaptureSource', () => {
  it('restarts a camera that goes away, with backoff, and reports offline once, then online', async () => {
    const clock = new ManualClock();
    const driver = scripted([frames(1), frames(0, 'no such device'), frames(0, 'no such device'), hangs(1)]);
    const { source, log } = makeSource(driver, clock);
    const stop = new AbortController();
    const { got, done } = consume(source, stop.signal);
    await settle();
    expect(log).toEqual(['online after 0', 'offline: camera unplugged, retry in 1000']);
    await clock.advance(999);
    expect(driver.runs).toBe(1);
    await clock.advance(1);
    expect(driver.runs).toBe(2);
    expect(log.slice(2)).toEqual(['retry 1: no such device, retry in 2000']);
    await clock.advance(2000);
    expect(log.slice(3)).toEqual(['retry 2: no such device, retry in 4000']);
    await clock.advance(4000);
    expect(log.slice(4)).toEqual(['online after 3']);
    expect(got.map((f) => f.seq)).toEqual([0, 1]);
    expect(source.stats()).toMatchObject({ frames: 2, restarts: 3, online: true });
    stop.abort();
    await done;
  });

  it('declares a camera with no frame for stallTimeout stalled, and restarts it', async () => {
    const clock = new ManualClock();
    const driver = scripted([hangs(1), hangs(1)]);
    const { source, log } = makeSource(driver, clock);
    const stop = new AbortController();
    const { done } = consume(source, stop.signal);
    await settle();
    await clock.advance(4999);
    expect(log).toEqual(['online after 0']);
    await clock.advance(1);
    expect(log).toEqual(['online after 0', 'offline: no frame for 5 s (stallTimeout), retry in 1000']);
    await clock.advance(1000);
    expect(driver.runs).toBe(2);
    expect(log.at(-1)).toBe('online after 1');
    stop.abort();
    await done;
  });

  it('keeps only the newest frame for a consumer that is not reading, counting the rest', async () => {
    const clock = new ManualClock();
    let sink: FrameSink | undefined;
    const driver = scripted([
      (s, signal) => {
        sink = s;
        return hangs(0)(s, signal);
      },
    ]);
    const { source: slow } = makeSource(driver, clock);
    const iterator = slow.frames()[Symbol.asyncIterator]();
    const first = iterator.next();
    await settle();
    sink!.raw(pixel(), 2, 1, 3);
    expect((await first).value?.seq).toBe(0);
    for (let i = 0; i < 10; i++) sink!.raw(pixel(), 2, 1, 3);
    expect(slow.stats().dropped).toBe(9); // counted while streaming, for metrics
    const next = await iterator.next();
    expect(next.value?.seq).toBe(10);
    await iterator.return?.();
    expect(slow.stats()).toMatchObject({ frames: 11, dropped: 9 });
  });

  it('counts a corrupt frame and keeps going', async () => {
    const clock = new ManualClock();
    const driver = scripted([
      async (sink, signal) => {
        sink.corrupt('a truncated JPEG', 'truncated');
        return hangs(1)(sink, signal);
      },
    ]);
    const { source } = makeSource(driver, clock);
    const corrupt: string[] = [];
    source.events.on('corrupt', (e) => corrupt.push(`${e.reason} (${e.total})`));
    for await (const frame of source.frames()) {
      expect(frame.seq).toBe(0);
      break;
    }
    expect(corrupt).toEqual(['a truncated JPEG (1)']);
    expect(source.stats().corrupt).toBe(1);
  });

  it('ends the stream after the last frame of a finished source, without restarting', async () => {
    const clock = new ManualClock();
    const driver = scripted([
      async (sink) => {
        sink.raw(pixel(), 2, 1, 3);
        return { reason: 'end of file', finished: true };
      },
    ]);
    const { source, log } = makeSource(driver, clock);
    const seqs: number[] = [];
    for await (const frame of source.frames()) seqs.push(frame.seq);
    expect(seqs).toEqual([0]);
    expect(driver.runs).toBe(1);
    expect(log).toEqual(['online after 0']);
  });

  it('throws a preflight error from the first read, and can be read again after', async () => {
    const clock = new ManualClock();
    const error = new EdgecamError(
      'EDGECAM_ERR_CAMERA_DEVICE',
      'camera "yard": /dev/video7 is not a video device',
    );
    const { source } = makeSource(
      scripted([hangs(0)], async () => {
        throw error;
      }),
      clock,
    );
    await expect(source.frames()[Symbol.asyncIterator]().next()).rejects.toBe(error);
    await expect(source.frames()[Symbol.asyncIterator]().next()).rejects.toBe(error);
  });

  it('refuses a second reader while one is streaming', async () => {
    const clock = new ManualClock();
    const { source } = makeSource(scripted([hangs(1)]), clock);
    const first = source.frames()[Symbol.asyncIterator]();
    await first.next();
    await expect(source.frames()[Symbol.asyncIterator]().next()).rejects.toThrow(/already streaming/);
    await first.return?.();
  });

  it('keeps I420 planes in the frame, converting to RGB only when read, unless the frame is turned or grayed', async () => {
    // A 16x2 picture: Y rises along the row, U and V fixed, so the RGB is known.
    const planes = () => {
      const p = new Uint8Array(i420Size(16, 2));
      for (let x = 0; x < 16; x++) p[x] = p[16 + x] = 10 * x;
      p.fill(100, 32, 40);
      p.fill(150, 40, 48);
      return p;
    };
    const rgb = i420ToRgb(planes(), 16, 2);
    const run = async (orientation: { rotate: 0 | 180; flip: 'none'; gray: boolean }) => {
      const source = new CaptureSource(
        scripted([
          async (sink) => {
            sink.i420(planes(), 16, 2);
            return { reason: 'done' };
          },
          hangs(0),
        ]),
        { id: 'yard', width: 16, height: 2, orientation, stallTimeoutMs: 5000, clock: new ManualClock() },
      );
      const stop = new AbortController();
      const { got, done } = consume(source, stop.signal);
      await settle();
      stop.abort();
      await done;
      return got;
    };
    const [kept] = await run({ rotate: 0, flip: 'none', gray: false });
    expect(kept!.i420).toEqual(planes());
    expect([kept!.width, kept!.height, kept!.channels, kept!.seq, kept!.source]).toEqual([
      16,
      2,
      3,
      0,
      'yard',
    ]);
    expect(kept!.data).toEqual(rgb);
    expect(kept!.data).toBe(kept!.data); // converted once
    const [turned] = await run({ rotate: 180, flip: 'none', gray: false });
    expect(turned!.i420).toBeUndefined();
    expect(turned!.data.subarray(0, 3)).toEqual(rgb.subarray(rgb.length - 3));
    const [gray] = await run({ rotate: 0, flip: 'none', gray: true });
    expect([gray!.i420, gray!.channels, gray!.data.length]).toEqual([undefined, 1, 32]);
  });
});
