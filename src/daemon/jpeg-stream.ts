import type { Detection } from '../detection.js';
import type { Frame } from '../frame.js';
import { annotate } from '../inference/annotate.js';
import type { Clock } from '../time/clock.js';
import type { StreamClient } from '../web/live-view-source.js';
import type { Tasks } from './tasks.js';

/** The two pictures a camera streams: with its detections drawn, or as it saw them. */
export type StreamVariant = 'annotated' | 'raw';

interface Watcher {
  readonly client: StreamClient;
  readonly intervalMs: number;
  /** When its next frame is due. */
  nextAt: number;
}

/**
 * One camera's MJPEG encoder for one variant, shared by every client of it: a frame due for any
 * client is encoded once and the same JPEG handed to each client it is due for. Nothing is encoded
 * while nobody watches or while an encode is in flight (the next frame is newer anyway).
 * @example const stream = new JpegStream('raw', clock, tasks, () => {}); const leave = stream.watch(5, client); stream.frame(frame, [])
 */
export class JpegStream {
  readonly #watchers = new Set<Watcher>();
  #encoding = false;

  /** @param encoded hears each encode (for a metric) */
  constructor(
    private readonly variant: StreamVariant,
    private readonly clock: Clock,
    private readonly tasks: Tasks,
    private readonly encoded: () => void,
  ) {}

  /** Clients watching now. */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** Adds a client that wants `fps` frames a second; returns how it leaves. */
  watch(fps: number, client: StreamClient): () => void {
    const watcher: Watcher = { client, intervalMs: 1000 / fps, nextAt: Number.NEGATIVE_INFINITY };
    this.#watchers.add(watcher);
    return () => {
      this.#watchers.delete(watcher);
    };
  }

  /** A processed frame: encoded once when some client's next frame is due, for every client due about now. */
  frame(frame: Frame, detections: readonly Detection[]): void {
    if (this.#watchers.size === 0 || this.#encoding) return;
    const now = this.clock.now();
    if (![...this.#watchers].some((w) => now >= w.nextAt)) return;
    // Clients due within half an interval take this frame too (a little early, their rate kept):
    // clients at the same fps fall into step after their first frame and share every encode.
    const due: Watcher[] = [];
    for (const watcher of this.#watchers) {
      if (watcher.nextAt - now >= watcher.intervalMs / 2) continue;
      // On its own schedule, catching up at most one interval, so frames that come a little late
      // keep the asked-for rate; a client further behind (or new) starts its schedule now.
      const from = watcher.nextAt < now - watcher.intervalMs ? now : watcher.nextAt;
      watcher.nextAt = from + watcher.intervalMs;
      due.push(watcher);
    }
    if (due.length === 0) return;
    this.#encoding = true;
    this.encoded();
    const seq = frame.seq;
    // annotate() copies the pixels at once: the frame's buffer may be reused by the next frame.
    const picture = annotate(frame, this.variant === 'raw' ? [] : detections);
    this.tasks.run(
      `encoding the ${this.variant} stream frame`,
      picture
        .jpeg({ quality: 75 })
        .toBuffer()
        .then((jpeg) => {
          for (const watcher of due) if (this.#watchers.has(watcher)) watcher.client.frame(jpeg, seq);
        })
        .finally(() => {
          this.#encoding = false;
        }),
    );
  }

  /** The camera stopped: every client's stream ends. */
  close(): void {
    for (const watcher of this.#watchers) watcher.client.ended();
    this.#watchers.clear();
  }
}
