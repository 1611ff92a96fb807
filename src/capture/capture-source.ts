import { EventEmitter } from 'node:events';
import { EdgecamError } from '../errors.js';
import type { Frame } from '../frame.js';
import { i420ToRgb } from '../kernels/i420.js';
import { type BackoffOptions, backoffDelay, doublingBackoff } from '../time/backoff.js';
import { type Clock, sleep, systemClock } from '../time/clock.js';
import { type Orientation, type OrientPlan, orientPlan } from './geometry.js';
import { I420Frame } from './i420-frame.js';
import { JpegDecoder } from './jpeg-decoder.js';
import { LatestMailbox } from './mailbox.js';
import type {
  CameraDriver,
  CaptureEventMap,
  CaptureStats,
  FrameSink,
  FrameSource,
  SessionEnd,
} from './source.js';

/** A camera is retried after about 1, 2, 4, 8, 16 s, then every 30 s (less up to a quarter, at random). */
export const RESTART_BACKOFF: BackoffOptions = doublingBackoff(1000, 30_000);

export interface CaptureSourceOptions {
  /** The camera id. */
  readonly id: string;
  /** The size the camera captures at (before crop and rotation). */
  readonly width: number;
  readonly height: number;
  readonly orientation: Orientation;
  /** No frame for this long: the camera is stalled and restarted. */
  readonly stallTimeoutMs: number;
  readonly clock?: Clock;
  readonly backoff?: BackoffOptions;
  /** For jitter; tests pass a constant. */
  readonly random?: () => number;
}

/**
 * A camera driver made into a FrameSource (see source.ts): it restarts the driver when the camera
 * goes away or stalls (capped exponential backoff with jitter), decodes JPEGs newest-first,
 * applies crop/rotate/flip/gray once, and hands frames over through a one-slot mailbox.
 * @example const source = new CaptureSource(driver, { id: 'front', width: 640, height: 480, orientation, stallTimeoutMs: 10_000 });
 */
export class CaptureSource implements FrameSource {
  readonly id: string;
  readonly events = new EventEmitter<CaptureEventMap>();
  readonly #driver: CameraDriver;
  readonly #options: CaptureSourceOptions;
  readonly #clock: Clock;
  #plans = new Map<string, OrientPlan>();
  #streaming = false;
  #seq = 0;
  #frames = 0;
  #dropped = 0;
  #corrupt = 0;
  #restarts = 0;
  #online = false;
  #lastFrameAt: number | undefined;
  /** The mailbox of the running frames() loop, whose drops count too. */
  #mailbox: LatestMailbox<Frame> | undefined;

  constructor(driver: CameraDriver, options: CaptureSourceOptions) {
    this.id = options.id;
    this.#driver = driver;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  stats(): CaptureStats {
    return {
      frames: this.#frames,
      dropped: this.#dropped + (this.#mailbox?.dropped ?? 0),
      corrupt: this.#corrupt,
      restarts: this.#restarts,
      online: this.#online,
      lastFrameAt: this.#lastFrameAt,
    };
  }

  async *frames(signal?: AbortSignal): AsyncGenerator<Frame, void, undefined> {
    if (this.#streaming) {
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `camera "${this.id}" is already streaming: read one frames() loop per source`,
      );
    }
    this.#streaming = true;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) stop.abort();
    const mailbox = new LatestMailbox<Frame>();
    this.#mailbox = mailbox;
    let fatal: { error: unknown } | undefined;
    let loop: Promise<void> | undefined;
    try {
      await this.#driver.preflight?.();
      loop = this.#supervise(mailbox, stop.signal).then(
        () => mailbox.close({ keepLast: true }),
        (error: unknown) => {
          fatal = { error };
          mailbox.close();
        },
      );
      for (;;) {
        const frame = await mailbox.take(stop.signal);
        if (frame === undefined) break;
        yield frame;
      }
      if (fatal !== undefined) throw fatal.error;
    } finally {
      stop.abort();
      signal?.removeEventListener('abort', onAbort);
      await loop;
      this.#dropped += mailbox.dropped;
      this.#mailbox = undefined;
      this.#online = false;
      this.#streaming = false;
    }
  }

  /** Runs the driver session after session until `stop` aborts or the stream is finished. */
  async #supervise(mailbox: LatestMailbox<Frame>, stop: AbortSignal): Promise<void> {
    const clock = this.#clock;
    const stallMs = this.#options.stallTimeoutMs;
    let failed = 0;
    let offlineAnnounced = false;
    let failure: { error: unknown } | undefined;
    const session = { lastFrameAt: 0, stalled: false, abort: new AbortController() };
    const decoder = new JpegDecoder(this.#options.width, this.#options.height, {
      decoded: (image) => deliver(image.data, image.width, image.height, image.channels, image.at),
      corrupt: (reason) => this.#countCorrupt(reason),
      skipped: () => this.#dropped++,
      failed: (error) => {
        failure = { error };
        session.abort.abort();
      },
    });
    const offer = (frame: Frame) => {
      mailbox.put(frame);
      this.#frames++;
      this.#lastFrameAt = frame.timestamp;
      session.lastFrameAt = clock.now();
      if (!this.#online) {
        this.#online = true;
        offlineAnnounced = false;
        this.events.emit('online', { camera: this.id, at: frame.timestamp, failedAttempts: failed });
        failed = 0;
      }
    };
    const deliver = (data: Uint8Array, width: number, height: number, channels: 1 | 3, at: number) => {
      if (session.abort.signal.aborted) return;
      const plan = this.#plan(width, height, channels);
      offer({
        seq: this.#seq++,
        timestamp: at,
        width: plan.width,
        height: plan.height,
        channels: plan.channels,
        data: plan.apply(data),
        source: this.id,
      });
    };
    // I420 planes stay as they are unless the frame must be turned, cropped or grayed.
    const deliverI420 = (data: Uint8Array, width: number, height: number, at: number) => {
      if (session.abort.signal.aborted) return;
      if (this.#plan(width, height, 3).identity)
        offer(new I420Frame(this.id, this.#seq++, at, width, height, data));
      else deliver(i420ToRgb(data, width, height), width, height, 3, at);
    };
    const sink: FrameSink = {
      jpeg: (data) => decoder.submit(data, clock.now()),
      raw: (data, width, height, channels) => deliver(data, width, height, channels, clock.now()),
      i420: (data, width, height) => deliverI420(data, width, height, clock.now()),
      corrupt: (reason) => this.#countCorrupt(reason),
      whenTaken: async () => {
        await decoder.idle();
        await untilAborted(mailbox.whenEmpty(), session.abort.signal);
      },
    };

    while (!stop.aborted) {
      session.abort = new AbortController();
      session.stalled = false;
      session.lastFrameAt = clock.now();
      const abortSession = () => session.abort.abort();
      stop.addEventListener('abort', abortSession, { once: true });
      const cancelWatchdog = this.#watchdog(session, stallMs);
      let end: SessionEnd;
      try {
        end = await this.#driver.run(sink, session.abort.signal);
      } finally {
        cancelWatchdog();
        stop.removeEventListener('abort', abortSession);
      }
      if (end.finished === true) {
        await decoder.idle();
        if (failure !== undefined) throw failure.error;
        return;
      }
      decoder.clear();
      await decoder.idle();
      if (failure !== undefined) throw failure.error;
      if (stop.aborted) return;
      const reason = session.stalled ? `no frame for ${stallMs / 1000} s (stallTimeout)` : end.reason;
      const retryInMs = backoffDelay(failed, this.#options.backoff ?? RESTART_BACKOFF, this.#options.random);
      const event = { camera: this.id, at: clock.now(), reason, retryInMs };
      if (this.#online || !offlineAnnounced) {
        this.#online = false;
        offlineAnnounced = true;
        this.events.emit('offline', event);
      } else {
        this.events.emit('retry', { ...event, attempt: failed });
      }
      failed++;
      await sleep(clock, retryInMs, stop);
      if (!stop.aborted) this.#restarts++;
    }
  }

  /** Aborts the session when no frame came for `stallMs`; returns the cancel. */
  #watchdog(session: { lastFrameAt: number; stalled: boolean; abort: AbortController }, stallMs: number) {
    const clock = this.#clock;
    let cancel = () => {};
    const check = () => {
      const quiet = clock.now() - session.lastFrameAt;
      if (quiet >= stallMs) {
        session.stalled = true;
        session.abort.abort();
      } else cancel = clock.setTimeout(check, stallMs - quiet);
    };
    cancel = clock.setTimeout(check, stallMs);
    return () => cancel();
  }

  #plan(width: number, height: number, channels: 1 | 3): OrientPlan {
    const key = `${width}x${height}x${channels}`;
    let plan = this.#plans.get(key);
    if (plan === undefined) {
      plan = orientPlan(width, height, channels, this.#options.orientation);
      this.#plans.set(key, plan);
    }
    return plan;
  }

  #countCorrupt(reason: string): void {
    this.#corrupt++;
    this.events.emit('corrupt', { camera: this.id, at: this.#clock.now(), reason, total: this.#corrupt });
  }
}

/** `promise`, or sooner when `signal` aborts; the abort listener is removed either way. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
