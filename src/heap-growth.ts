import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** How often the daemon runs a full collection of the main thread's heap. */
export const FULL_COLLECTION_INTERVAL_MS = 2000;

/**
 * Runs a full garbage collection of this thread's heap now and every `intervalMs` (a few ms
 * each, on a heap of about 20 MB live); returns the stop.
 *
 * Why: what outlives two young-generation collections (a frame whose event waits for the outbox's
 * fsync, say) is promoted and dies in the old generation, which V8 collects only near its limit
 * (3x the live heap, above) or when external memory piles up. Frames used to churn 1.8 MB of
 * buffers each, which kept those collections frequent; since a JPEG replay's frames come as I420
 * through a socket (0.46 MB), the old generation filled for tens of thousands of frames at full
 * speed, and RSS crept up 6 to 22 MB from frame 1,000 to 10,000 before levelling off, with the
 * live heap after each full collection flat at 17 to 19 MB. Collecting every 2 s kept RSS within
 * a MB over those frames, with the same CPU a frame (bench:pipeline, side by side).
 *
 * V8 offers gc() only under --expose-gc; the flag set at run time, a new context has it.
 * @example const stop = collectPeriodically(); ...; stop();
 */
export function collectPeriodically(intervalMs = FULL_COLLECTION_INTERVAL_MS): () => void {
  const gc = exposedGc();
  if (gc === undefined) return () => {};
  // Once at once too: what starting up left behind goes before the frames come.
  gc();
  const timer = setInterval(gc, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A young-generation collection of this thread's heap, or undefined where V8 cannot expose gc().
 *
 * Why: the inference worker allocates little JavaScript, so its young generation fills, and V8
 * collects it, only after hundreds of runs; meanwhile each run's output tensor (181 KB for the
 * sign model, in memory outside the heap) waits for that collection. The worker collects every
 * few runs instead: 6 to 12 MB less resident on the default config (bench:memory).
 * @example const collectYoung = youngCollector(); ...; collectYoung?.();
 */
export function youngCollector(): (() => void) | undefined {
  const gc = exposedGc() as ((options: { type: 'minor' }) => void) | undefined;
  return gc === undefined ? undefined : () => gc({ type: 'minor' });
}

function exposedGc(): (() => void) | undefined {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as () => void;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}
