import type { Clock } from '../time/clock.js';

/**
 * Lets a message through at most once per interval (per camera and kind); what comes sooner is
 * skipped, not queued: a later frame replaces it. An interval of 0 lets everything through.
 * @example const limit = new MinInterval(200, clock); if (limit.take()) publish()
 */
export class MinInterval {
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    readonly intervalMs: number,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** True (and the interval restarts) when a message may go now. */
  take(): boolean {
    if (this.intervalMs <= 0) return true;
    const now = this.clock.now();
    if (now - this.#last < this.intervalMs) return false;
    this.#last = now;
    return true;
  }
}

/**
 * Passes values on at most once per interval, like MinInterval, but what comes sooner waits
 * instead of being skipped: when the interval has passed, the latest waiting value goes (the
 * ones it replaced never do). For a retained topic, where only the latest message matters, this
 * bounds the rate without ever leaving the topic stale. An interval of 0 passes everything at once.
 * @example const snapshots = new LatestPerInterval(1000, clock, (s) => publish(s)); snapshots.offer(s)
 */
export class LatestPerInterval<T> {
  #last = Number.NEGATIVE_INFINITY;
  #waiting: { value: T } | undefined;
  #cancel: (() => void) | undefined;

  constructor(
    readonly intervalMs: number,
    private readonly clock: Pick<Clock, 'now' | 'setTimeout'>,
    private readonly send: (value: T) => void,
  ) {}

  /**
   * Sends `value` now if the interval has passed, or keeps it (in place of any waiting one) until
   * it has; true when it replaced a waiting value (which will never be sent).
   */
  offer(value: T): boolean {
    const now = this.clock.now();
    const wait = this.#last + this.intervalMs - now;
    if (wait <= 0 && this.#cancel === undefined) {
      this.#last = now;
      this.send(value);
      return false;
    }
    const replaced = this.#waiting !== undefined;
    this.#waiting = { value };
    this.#cancel ??= this.clock.setTimeout(() => this.flush(), wait);
    return replaced;
  }

  /** Sends the waiting value now, if there is one (on stop, so that the latest is not lost). */
  flush(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    this.#last = this.clock.now();
    this.send(waiting.value);
  }
}
