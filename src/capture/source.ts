import type { EventEmitter } from 'node:events';
import type { CorruptKind } from '../corrupt-kind.js';
import type { Frame } from '../frame.js';
import type { ReachabilityProbe } from '../time/probed-wait.js';

/**
 * What every camera source offers the rest of edgecam: an async stream of decoded frames and
 * the news a daemon publishes about it.
 *
 * - `frames(signal)` starts the camera on the first `next()` and yields the newest decoded frame
 *   each time it is asked (a one-slot mailbox: frames the consumer was too slow for are dropped and
 *   counted, never queued). The stream ends when `signal` aborts or the loop breaks, and it ends
 *   only once the camera's child processes have exited. It throws only for a problem the user
 *   must fix before the camera can ever work (an EdgecamError: a missing device at start, a
 *   missing program, a file source with no files); a camera that goes away later is restarted.
 * - `events` says when the camera comes and goes, and when a frame was corrupt:
 *   `online` (first good frame after a start), `offline` (the camera went away; the source keeps
 *   retrying with capped exponential backoff and jitter), `retry` (each failed restart, for
 *   logs), `corrupt` (a frame that could not be decoded was skipped). There is no 'error' event:
 *   nothing here can crash a process that forgot a listener.
 * - `stats()` are counters for metrics (frames, dropped, corrupt, restarts), read when scraped.
 *
 * @example
 * const source = createSource(camera, { ffmpegPath });
 * source.events.on('offline', (e) => log.warn(e, 'camera offline'));
 * for await (const frame of source.frames(signal)) await process(frame);
 */
export interface FrameSource {
  /** The camera id from the config. */
  readonly id: string;
  readonly events: EventEmitter<CaptureEventMap>;
  frames(signal?: AbortSignal): AsyncIterable<Frame>;
  stats(): CaptureStats;
  /**
   * The camera's reachability probe, where its kind has one (a device node, an IP camera's port):
   * whoever retries a source that failed to start waits for it instead of a whole backoff.
   */
  readonly reachable?: ReachabilityProbe | undefined;
}

/** The camera delivered its first good frame after starting or restarting. */
export interface OnlineEvent {
  readonly camera: string;
  /** Clock time (ms since the epoch). */
  readonly at: number;
  /** Failed starts since the camera was last online (0 on a first clean start). */
  readonly failedAttempts: number;
}

/** The camera went away (or never came): why, and when the next attempt is. */
export interface OfflineEvent {
  readonly camera: string;
  readonly at: number;
  /** In words, with the last line the capture program printed, e.g. "ffmpeg exited with code 1: ...". */
  readonly reason: string;
  readonly retryInMs: number;
}

/** A restart attempt failed; the camera is still offline. */
export interface RetryEvent extends OfflineEvent {
  /** 1 for the first failed attempt after going offline. */
  readonly attempt: number;
}

/** A frame could not be decoded and was skipped. */
export interface CorruptEvent {
  readonly camera: string;
  readonly at: number;
  readonly reason: string;
  /** The reason in one word (the metric's label). */
  readonly kind: CorruptKind;
  /** Corrupt frames so far from this source. */
  readonly total: number;
}

export interface CaptureEventMap {
  online: [OnlineEvent];
  offline: [OfflineEvent];
  retry: [RetryEvent];
  corrupt: [CorruptEvent];
}

/** Counters since the source was created; monotonic, for Prometheus counters. */
export interface CaptureStats {
  /** Frames decoded and offered to the consumer. */
  readonly frames: number;
  /** Frames replaced in the mailbox (or skipped before decoding) because the consumer was busy. */
  readonly dropped: number;
  /** Frames that could not be decoded. */
  readonly corrupt: number;
  /** Times the camera was (re)started after the first start. */
  readonly restarts: number;
  readonly online: boolean;
  /** Clock time of the last frame, or undefined before the first. */
  readonly lastFrameAt: number | undefined;
}

/** Where a driver delivers what its camera produces; the source decodes, orients and counts. */
export interface FrameSink {
  /** A complete JPEG (the sink decodes it, newest first, skipping what it cannot keep up with). */
  jpeg(data: Uint8Array): void;
  /** A decoded RGB (3) or gray (1) image in the camera's capture size; ownership passes to the sink. */
  raw(data: Uint8Array, width: number, height: number, channels: 1 | 3): void;
  /** An RGB image as I420 planes (even sizes; see CameraImage.i420); ownership passes to the sink. */
  i420(data: Uint8Array, width: number, height: number): void;
  /** Something that should have been a frame was not (a truncated JPEG, garbage): why, in words and in one word. */
  corrupt(reason: string, kind: CorruptKind): void;
  /**
   * Resolves once the consumer has taken the frames delivered so far (or the session ended):
   * a source that may wait (a file at pace fast) awaits it instead of having frames dropped.
   */
  whenTaken(): Promise<void>;
}

/**
 * One kind of camera (one file per kind under sources/): how to start it once. The source wraps
 * a driver with restarts, stall detection, decoding and the mailbox.
 */
export interface CameraDriver {
  /** What the camera is, for messages: 'v4l2 /dev/video0'. */
  readonly description: string;
  /**
   * Checks what must hold before the first start (the device exists, the size is offered, the
   * program is installed) and throws an EdgecamError naming the camera and the fix otherwise.
   */
  preflight?(): Promise<void>;
  /**
   * Runs one capture session: delivers frames to `sink` until the camera goes away or `signal`
   * aborts, then resolves with why, once every child process has exited. It rejects only with
   * an EdgecamError that no restart can fix.
   */
  run(sink: FrameSink, signal: AbortSignal): Promise<SessionEnd>;
  /**
   * A cheap check that the camera is there again (a TCP connect to an IP camera, a stat of a
   * device), run about once a second between restarts: its first success ends the backoff.
   */
  readonly reachable?: ReachabilityProbe;
}

/** Why a capture session ended. */
export interface SessionEnd {
  /** In words, for the offline event: "ffmpeg exited with code 1: No such device". */
  readonly reason: string;
  /** True when there is nothing more to capture (a file played to its end without loop): no restart. */
  readonly finished?: boolean;
}
