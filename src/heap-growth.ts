import { setFlagsFromString } from 'node:v8';

/** How much V8 lets the old generation grow past what survived its last major collection. */
export const HEAP_GROWING_PERCENT = 200;

/**
 * Fixes V8's heap growing factor for the daemon's threads at 3x, unless the command line chose
 * one (node --heap-growing-percent=N; V8 does not take it in NODE_OPTIONS).
 *
 * Why: left to itself, V8 picks the factor from how fast its last collections were, and on this
 * pipeline it settles, run by run, in one of two regimes. Either the main thread's heap grows to
 * 40 MB and more between collections (RSS peaks 20 to 30 MB higher), or it collects every 50 ms
 * in a loop that feeds itself (memory flat, 2 to 3 ms more CPU a frame). A fixed factor gave
 * neither: the sample drive flat out peaked at 239 to 241 MB with 4.6 to 4.9 ms of CPU a frame,
 * where the two regimes gave 226 to 230 MB at 7.1 to 7.7 ms, or 254 to 268 MB at 4.1 to 5.1.
 * The flag is read each time V8 recomputes its limits, so setting it at start-up takes effect.
 * @example useFixedHeapGrowth(); const daemon = await Daemon.start(config)
 */
export function useFixedHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (
    execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))
  ) {
    return;
  }
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
