import { EventEmitter } from 'node:events';
import type { CorruptKind } from '../corrupt-kind.js';
import { EdgecamError } from '../errors.js';
import type { Frame } from '../frame.js';
import { i420ToRgb } from '../kernels/i420.js';
import { type BackoffOptions, backoffDelay, doublingBackoff } from '../time/backoff.js';
import { type Clock, systemClock } from '../time/clock.js';
import { type ReachabilityProbe, waitOrReachable } from '../time/probed-wait.js';
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

  get reachable(): ReachabilityProbe | undefined {
    return this.#driver.reachable;
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
    const state: Supervision = {
      mailbox,
      session: { lastFrameAt: 0, stalled: false, abort: new AbortController() },
      failed: 0,
      offlineAnnounced: false,
      failure: undefined,
    };
    const decoder = this.#decoder(state);
    const sink = this.#sink(state, decoder);
    while (!stop.aborted) {
      const end = await this.#runSession(sink, state.session, stop);
      // A finished stream's waiting JPEG is still decoded; one from a session that failed is dropped.
      if (end.finished !== true) decoder.clear();
      await decoder.idle();
      if (state.failure !== undefined) throw state.failure.error;
      if (end.finished === true || stop.aborted) return;
      await this.#backOff(end, state, stop);
    }
  }

  /** The JPEG decoder of one frames() loop: what it decodes is delivered; its failure ends the loop. */
  #decoder(state: Supervision): JpegDecoder {
    return new JpegDecoder(this.#options.width, this.#options.height, {
      decoded: (image) =>
        this.#deliver(state, image.data, image.width, image.height, image.channels, image.at),
      corrupt: (reason, kind) => this.#countCorrupt(reason, kind),
      skipped: () => this.#dropped++,
      failed: (error) => {
        state.failure = { error };
        state.session.abort.abort();
      },
    });
  }

  /** Where the driver hands its frames, in every session of one frames() loop. */
  #sink(state: Supervision, decoder: JpegDecoder): FrameSink {
    const clock = this.#clock;
    return {
      jpeg: (data) => decoder.submit(data, clock.now()),
      raw: (data, width, height, channels) =>
        this.#deliver(state, data, width, height, channels, clock.now()),
      i420: (data, width, height) => this.#deliverI420(state, data, width, height, clock.now()),
      corrupt: (reason, kind) => this.#countCorrupt(reason, kind),
      whenTaken: async () => {
        await decoder.idle();
        await untilAborted(state.mailbox.whenEmpty(), state.session.abort.signal);
      },
    };
  }

  /** Runs the driver once, aborted by `stop` or by the stall watchdog. */
  async #runSession(sink: FrameSink, session: Session, stop: AbortSignal): Promise<SessionEnd> {
    session.abort = new AbortController();
    session.stalled = false;
    session.lastFrameAt = this.#clock.now();
    const abortSession = () => session.abort.abort();
    stop.addEventListener('abort', abortSession, { once: true });
    const cancelWatchdog = this.#watchdog(session, this.#options.stallTimeoutMs);
    try {
      return await this.#driver.run(sink, session.abort.signal);
    } finally {
      cancelWatchdog();
      stop.removeEventListener('abort', abortSession);
    }
  }

  /**
   * After a session that ended: says the camera is offline (or, when that was said already, that
   * it retries), then waits out the backoff, or less when the driver's probe finds the camera back.
   */
  async #backOff(end: SessionEnd, state: Supervision, stop: AbortSignal): Promise<void> {
    const clock = this.#clock;
    const stallMs = this.#options.stallTimeoutMs;
    const reason = state.session.stalled ? `no frame for ${stallMs / 1000} s (stallTimeout)` : end.reason;
    const retryInMs = backoffDelay(
      state.failed,
      this.#options.backoff ?? RESTART_BACKOFF,
      this.#options.random,
    );
    const event = { camera: this.id, at: clock.now(), reason, retryInMs };
    if (this.#online || !state.offlineAnnounced) {
      this.#online = false;
      state.offlineAnnounced = true;
      this.events.emit('offline', event);
    } else {
      this.events.emit('retry', { ...event, attempt: state.failed });
    }
    state.failed++;
    await waitOrReachable(retryInMs, stop, { clock, probe: this.#driver.reachable });
    if (!stop.aborted) this.#restarts++;
  }

  /** Orients a decoded or raw frame and offers it, unless its session has ended. */
  #deliver(
    state: Supervision,
    data: Uint8Array,
    width: number,
    height: number,
    channels: 1 | 3,
    at: number,
  ): void {
    if (state.session.abort.signal.aborted) return;
    const plan = this.#plan(width, height, channels);
    this.#offer(state, {
      seq: this.#seq++,
      timestamp: at,
      width: plan.width,
      height: plan.height,
      channels: plan.channels,
      data: plan.apply(data),
      source: this.id,
    });
  }

  /** I420 planes stay as they are unless the frame must be turned, cropped or grayed. */
  #deliverI420(state: Supervision, data: Uint8Array, width: number, height: number, at: number): void {
    if (state.session.abort.signal.aborted) return;
    if (this.#plan(width, height, 3).identity)
      this.#offer(state, new I420Frame(this.id, this.#seq++, at, width, height, data));
    else this.#deliver(state, i420ToRgb(data, width, height), width, height, 3, at);
  }

  /** Hands a frame over and counts it; the first frame after an outage brings the camera online. */
  #offer(state: Supervision, frame: Frame): void {
    state.mailbox.put(frame);
    this.#frames++;
    this.#lastFrameAt = frame.timestamp;
    state.session.lastFrameAt = this.#clock.now();
    if (!this.#online) {
      this.#online = true;
      state.offlineAnnounced = false;
      this.events.emit('online', { camera: this.id, at: frame.timestamp, failedAttempts: state.failed });
      state.failed = 0;
    }
  }

  /** Aborts the session when no frame came for `stallMs`; returns the cancel. */
  #watchdog(session: Session, stallMs: number) {
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

  #countCorrupt(reason: string, kind: CorruptKind): void {
    this.#corrupt++;
    const at = this.#clock.now();
    this.events.emit('corrupt', { camera: this.id, at, reason, kind, total: this.#corrupt });
  }
}

/** The driver session running now: when its last frame came, and its abort. */
interface Session {
  lastFrameAt: number;
  /** Set when the watchdog aborted it. */
  stalled: boolean;
  abort: AbortController;
}

/** What one frames() loop keeps from one driver session to the next. */
interface Supervision {
  readonly mailbox: LatestMailbox<Frame>;
  readonly session: Session;
  /** Sessions that failed since the camera was last online: the backoff's step. */
  failed: number;
  /** Whether the offline event of this outage went out (later failures are retries). */
  offlineAnnounced: boolean;
  /** The decoder's failure, which ends the loop. */
  failure: { error: unknown } | undefined;
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
