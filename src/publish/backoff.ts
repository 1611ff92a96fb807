/**
 * Capped exponential backoff: initial, 2x initial, 4x initial, ... up to max; reset after a
 * success. No jitter: a fleet's devices already reconnect at different moments, and exact delays
 * keep the tests exact.
 * @example const b = new Backoff(1000, 60_000); b.next(); b.next(); // 1000, 2000
 */
export class Backoff {
  #attempt = 0;

  constructor(
    readonly initialMs: number,
    readonly maxMs: number,
  ) {}

  /** The delay before the next attempt, and counts it. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return delay;
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
