/**
 * Time, injected: stall detection, backoff, pacing, rate limits and periodic reports read the
 * clock through this, so tests drive them exactly (MQTT.js get-timer.ts does the same).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `fn` after `ms`; the returned function cancels it. A real timer does not keep the
   * process alive on its own (a pending retry must not hold a stopping process open) unless
   * `keepAlive` is set, as it is for a wait somebody awaits (see sleep).
   */
  setTimeout(fn: () => void, ms: number, options?: TimerOptions): () => void;
}

export interface TimerOptions {
  /** Hold the process open until the timer fires or is cancelled (default false). */
  readonly keepAlive?: boolean;
}

/**
 * The real clock.
 * @example const cancel = systemClock.setTimeout(retry, 1000)
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms, options) {
    const timer = setTimeout(fn, ms);
    if (options?.keepAlive !== true) timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Resolves after `ms` on `clock`, or early (without rejecting) when `signal` aborts. The wait
 * keeps the process alive: somebody awaits it, as they would a read.
 * @example await sleep(systemClock, 1000, signal)
 */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimeout(done, ms, { keepAlive: true });
    signal.addEventListener('abort', done, { once: true });
  });
}
