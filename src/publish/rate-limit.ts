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
