/**
 * Readiness: the parts the daemon registers (each camera's last frame, the model, the broker or
 * outbox) and whether each is ready now. /readyz serves the report; its JSON says which part is
 * not ready and why.
 */

export interface CheckResult {
  readonly ready: boolean;
  /** Why, in words: "last frame 12.0 s ago (limit 10 s)". */
  readonly detail: string;
}

export type Check = () => CheckResult;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/**
 * The set of readiness checks.
 * @example readiness.add('camera:front', cameraCheck(() => lastFrameAt, 10_000))
 */
export class Readiness {
  readonly #checks = new Map<string, Check>();

  /** Adds (or replaces) a named check. */
  add(name: string, check: Check): void {
    this.#checks.set(name, check);
  }

  remove(name: string): void {
    this.#checks.delete(name);
  }

  /** Runs every check; ready when all are (and there is at least one). */
  report(): ReadinessReport {
    const checks: Record<string, CheckResult> = {};
    let ready = this.#checks.size > 0;
    for (const [name, check] of this.#checks) {
      let result: CheckResult;
      try {
        result = check();
      } catch (err) {
        result = { ready: false, detail: `check failed: ${(err as Error).message}` };
      }
      checks[name] = result;
      ready &&= result.ready;
    }
    if (this.#checks.size === 0) checks.startup = { ready: false, detail: 'nothing registered yet' };
    return { ready, checks };
  }
}

/**
 * A camera is ready while its last frame is at most `maxAgeMs` old.
 * @example readiness.add('camera:front', cameraCheck(() => source.lastFrameAt, 10_000))
 */
export function cameraCheck(
  lastFrameAt: () => number | undefined,
  maxAgeMs: number,
  now: () => number = Date.now,
): Check {
  return () => {
    const at = lastFrameAt();
    if (at === undefined) return { ready: false, detail: 'no frame yet' };
    const age = now() - at;
    const text = `last frame ${(age / 1000).toFixed(1)} s ago (limit ${maxAgeMs / 1000} s)`;
    return { ready: age <= maxAgeMs, detail: age <= maxAgeMs ? text : `stalled: ${text}` };
  };
}

/**
 * The model is ready once loaded.
 * @example readiness.add('model', modelCheck(() => detector !== undefined, 'signs 1.0.0'))
 */
export function modelCheck(loaded: () => boolean, name: string): Check {
  return () =>
    loaded() ? { ready: true, detail: `${name} loaded` } : { ready: false, detail: `${name} not loaded` };
}

/**
 * Publishing is ready while the broker is connected or, during an outage, while the outbox
 * still accepts events (it is below its bounds, so nothing is being dropped).
 * @example readiness.add('mqtt', publishCheck(() => ({ connected: publisher.connected, ...publisher.outboxStatus(), maxMessages })))
 */
export function publishCheck(
  status: () => { connected: boolean; depth: number; maxMessages: number; error?: string },
): Check {
  return () => {
    const s = status();
    if (s.connected) return { ready: true, detail: 'broker connected' };
    if (s.depth < s.maxMessages) {
      return {
        ready: true,
        detail: `broker not connected; outbox accepting (${s.depth}/${s.maxMessages})${s.error ? `: ${s.error}` : ''}`,
      };
    }
    return {
      ready: false,
      detail: `broker not connected and the outbox is full (${s.depth})${s.error ? `: ${s.error}` : ''}`,
    };
  };
}

/**
 * The outbox is ready while it can write to disk; while it cannot (a full disk), it says why and
 * how many messages wait in memory meanwhile.
 * @example readiness.add('outbox', outboxCheck(() => publisher.outboxStatus()))
 */
export function outboxCheck(status: () => { writable: boolean; held: number; error?: string }): Check {
  return () => {
    const s = status();
    if (s.writable) return { ready: true, detail: 'outbox writable' };
    return {
      ready: false,
      detail: `the outbox cannot write (${s.error ?? 'unknown error'}): ${s.held} messages held in memory until the disk has room. Fix: free space on the stateDir file system`,
    };
  };
}
