import type { Clock } from './clock.js';

/**
 * The wait between two backed-off attempts to reach something (a broker, a camera), cut short
 * when the other side comes back. A capped backoff alone leaves up to its cap (30 s and more)
 * between the other side's return and the next attempt; a full attempt every second instead would
 * hammer a side that is down (an ffmpeg start, a TLS handshake). A reachability probe (a TCP
 * connect, a stat) costs next to nothing, so it runs every second while the backoff runs, and the
 * first time it succeeds the wait ends.
 */

/**
 * Says, cheaply and without logging, whether the other side answers now (a TCP connect, a stat of
 * a device). It gives up by itself within about a second (a connect to a host that drops packets
 * would otherwise hang for minutes), and at once when `signal` aborts (the wait was stopped). A
 * probe that cannot tell resolves false; a rejection counts as false too.
 */
export type ReachabilityProbe = (signal: AbortSignal) => Promise<boolean>;

/** How a wait ended: the backoff ran out, the probe found the other side back, or it was aborted. */
export type WaitEnd = 'elapsed' | 'reachable' | 'aborted';

export interface ProbedWaitOptions {
  readonly clock: Clock;
  /** Without a probe, the wait is the plain backoff. */
  readonly probe?: ReachabilityProbe | undefined;
  /** Between probes, ms. */
  readonly intervalMs?: number;
  /** Whether the wait holds the process open (Clock.setTimeout's keepAlive); default true. */
  readonly keepAlive?: boolean;
}

/** A probe a second: the other side is tried within about a second of its return. */
export const PROBE_INTERVAL_MS = 1000;

/**
 * Waits `ms` (a backoff delay), probing every interval; ends early on the first probe that finds
 * the other side reachable after it was not. When the first probe already finds it reachable,
 * what failed was not reachability (a refused password, a missing stream path): the whole backoff
 * is waited out without further probes, so such a failure is not retried faster.
 * @example if ((await waitOrReachable(30_000, signal, { clock, probe })) === 'reachable') log.info('back')
 */
export async function waitOrReachable(
  ms: number,
  signal: AbortSignal,
  options: ProbedWaitOptions,
): Promise<WaitEnd> {
  const { clock, probe } = options;
  const interval = options.intervalMs ?? PROBE_INTERVAL_MS;
  const keepAlive = options.keepAlive ?? true;
  const wait = async (waitMs: number): Promise<WaitEnd> =>
    (await delay(clock, waitMs, signal, keepAlive)) ? 'elapsed' : 'aborted';
  // A wait no longer than one interval is over before probing could gain anything.
  if (probe === undefined || ms <= interval) return wait(ms);
  if (await probeOnce(probe, signal)) return wait(ms);
  const deadline = clock.now() + ms;
  for (;;) {
    const left = deadline - clock.now();
    if (signal.aborted) return 'aborted';
    if (left <= 0) return 'elapsed';
    if ((await wait(Math.min(interval, left))) === 'aborted') return 'aborted';
    if (clock.now() >= deadline) return 'elapsed';
    if (await probeOnce(probe, signal)) return signal.aborted ? 'aborted' : 'reachable';
  }
}

/** One probe; false for anything but a clear yes. */
async function probeOnce(probe: ReachabilityProbe, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    return (await probe(signal)) === true;
  } catch {
    // A probe that throws has not seen the other side: the same answer as "not reachable".
    return false;
  }
}

/** Resolves true after `ms` on `clock`, or false as soon as `signal` aborts. */
function delay(clock: Clock, ms: number, signal: AbortSignal, keepAlive: boolean): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (elapsed: boolean) => {
      cancel();
      signal.removeEventListener('abort', onAbort);
      resolve(elapsed);
    };
    const onAbort = () => finish(false);
    const cancel = clock.setTimeout(() => finish(true), ms, { keepAlive });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
