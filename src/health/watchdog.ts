import type { Notifier } from './notify.js';

/**
 * The systemd watchdog: WATCHDOG=1 only while the pipeline makes progress, so that a stuck
 * pipeline stops the pings and systemd restarts the service (WatchdogSec= in the unit); READY=1
 * once serving; STATUS= with the frame rate. The pipeline calls progressed() per frame, which only
 * sets a flag; the timer does the rest.
 */

export interface Interval {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realInterval: Interval = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface WatchdogOptions {
  readonly notifier: Notifier;
  /** Ping period; default half of WATCHDOG_USEC (systemd's advice), else 10 s (STATUS only). */
  readonly intervalMs?: number;
  /** The STATUS= text, e.g. "front 9.8 fps". */
  readonly status?: () => string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timers?: Interval;
}

/**
 * The ping interval systemd asks for (half of WATCHDOG_USEC), or undefined when the watchdog is off.
 * @example watchdogIntervalMs({ WATCHDOG_USEC: '20000000' }) // 10000
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  // WATCHDOG_PID, when set, names the process meant to ping.
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== process.pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000 / 2));
}

/**
 * @example const watchdog = new Watchdog({ notifier, status: () => `${fps} fps` }); watchdog.start(); pipeline.onFrame(() => watchdog.progressed())
 */
export class Watchdog {
  readonly intervalMs: number;
  /** Whether WATCHDOG=1 pings are sent (systemd set WATCHDOG_USEC). */
  readonly pinging: boolean;
  #progressed = false;
  #handle: unknown;
  #lastStatus = '';

  constructor(private readonly options: WatchdogOptions) {
    const fromEnv = watchdogIntervalMs(options.env ?? process.env);
    this.pinging = options.intervalMs !== undefined || fromEnv !== undefined;
    this.intervalMs = options.intervalMs ?? fromEnv ?? 10_000;
  }

  /** The pipeline processed a frame. */
  progressed(): void {
    this.#progressed = true;
  }

  /** Starts the timer. */
  start(): void {
    if (this.#handle !== undefined || !this.options.notifier.active) return;
    const timers = this.options.timers ?? realInterval;
    this.#handle = timers.setInterval(() => this.tick(), this.intervalMs);
  }

  /** READY=1: serving. */
  ready(): void {
    this.options.notifier.send(`READY=1\nSTATUS=${this.#status()}`);
  }

  /** One period: ping if frames were processed since the last, and update STATUS. */
  tick(): void {
    const status = this.#status();
    const lines: string[] = [];
    if (this.#progressed && this.pinging) lines.push('WATCHDOG=1');
    const text = this.#progressed
      ? status
      : `stalled: no frame processed in ${this.intervalMs / 1000} s; ${status}`;
    if (text !== this.#lastStatus) lines.push(`STATUS=${text}`);
    this.#lastStatus = text;
    this.#progressed = false;
    if (lines.length > 0) this.options.notifier.send(lines.join('\n'));
  }

  /** STOPPING=1, and the timer stops. */
  stop(): void {
    if (this.#handle !== undefined) (this.options.timers ?? realInterval).clearInterval(this.#handle);
    this.#handle = undefined;
    this.options.notifier.send('STOPPING=1');
  }

  #status(): string {
    return this.options.status?.() ?? 'running';
  }
}
