/**
 * Time as the publish stage sees it: injected, so that backoff and rate limits are exact in
 * tests (MQTT.js does the same with get-timer.ts).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer): void;
}

/** What setTimeout hands back; only clearTimeout looks at it. */
export type Timer = { readonly __timer?: never } | NodeJS.Timeout;

/**
 * The real clock; its timers do not keep the process alive on their own.
 * @example const timer = systemClock.setTimeout(retry, 1000)
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
