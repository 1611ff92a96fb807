/** Restart delays: exponential, capped, with jitter so that cameras on one switch do not retry in step. */
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

/** A camera is retried after about 1, 2, 4, 8, 16 s, then every 30 s. */
export const RESTART_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.25 };

/**
 * The delay before retry number `attempt` (0 for the first), never above `maxMs`.
 * @example backoffDelay(3, RESTART_BACKOFF, () => 0) // 8000
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = RESTART_BACKOFF,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.round(base * (1 - options.jitter * random()));
}
