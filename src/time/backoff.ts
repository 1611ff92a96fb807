/**
 * Retry delays: exponential, capped, with jitter. When a broker restarts, every device of a fleet
 * reconnects at once, and cameras on one switch fail together; jitter is what spreads them out.
 * The random source is injectable so that tests get exact delays.
 */
export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  readonly initialMs: number;
  /** The cap, ms. */
  readonly maxMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /** Fraction of the delay taken off at random, 0..1 (0.25: between 75% and 100% of it). */
  readonly jitter: number;
}

/**
 * Doubling from `initialMs` up to `maxMs`, with up to a quarter taken off at random.
 * @example doublingBackoff(1000, 30_000) // 1, 2, 4, 8, 16, 30, 30... s, each 75-100% of that
 */
export function doublingBackoff(initialMs: number, maxMs: number): BackoffOptions {
  return { initialMs, maxMs, factor: 2, jitter: 0.25 };
}

/**
 * The delay before retry number `attempt` (0 for the first), never above `maxMs`.
 * @example backoffDelay(3, doublingBackoff(1000, 30_000), () => 0) // 8000
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(base * (1 - options.jitter * random()));
}

/**
 * backoffDelay with the attempt count kept: next() after each failure, reset() after a success.
 * @example const b = new Backoff(doublingBackoff(1000, 60_000)); b.next(); b.next(); // ~1000, ~2000
 */
export class Backoff {
  #attempt = 0;

  constructor(
    readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt, and counts it. */
  next(): number {
    return backoffDelay(this.#attempt++, this.options, this.random);
  }

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.#attempt;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
