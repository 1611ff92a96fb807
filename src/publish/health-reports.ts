import type { Clock } from '../time/clock.js';
import { type HealthReport, healthPayload } from './payloads.js';

/**
 * The device's health report on `<prefix>/health` (retained, may be skipped): published on demand
 * and every mqtt.healthInterval seconds. The daemon fills in the cameras; the publisher adds its
 * own part (the connection and the outbox).
 */

/** The part of a health report the daemon fills in. */
export type DaemonHealth = Omit<HealthReport, 'mqtt' | 'outbox'>;

/** What the health reports are made and sent with. */
export interface HealthReportsOptions {
  readonly device: string;
  readonly clock: Clock;
  /** mqtt.healthInterval, in ms. */
  readonly intervalMs: number;
  /** The publisher's part of the report, now. */
  readonly publisherHealth: () => Pick<HealthReport, 'mqtt' | 'outbox'>;
  /** Sends a report's payload (retained, may be skipped): false when skipped. */
  readonly send: (payload: string) => boolean;
}

/**
 * The health timer and its sequence numbers.
 * @example const health = new HealthReports(options); health.start(() => daemon.report()); ...; health.stop()
 */
export class HealthReports {
  #seq = 0;
  /** Cancels the next report. */
  #cancel: (() => void) | undefined;

  constructor(private readonly options: HealthReportsOptions) {}

  /** Publishes a report now; false when it was skipped. */
  publish(report: DaemonHealth): boolean {
    const { device, clock } = this.options;
    const payload = healthPayload(device, this.#seq++, clock.now(), {
      ...report,
      ...this.options.publisherHealth(),
    });
    return this.options.send(payload);
  }

  /** Publishes `report()` every interval until stop() (a second start replaces the first). */
  start(report: () => DaemonHealth): void {
    const { clock, intervalMs } = this.options;
    const tick = () => {
      this.#cancel = clock.setTimeout(tick, intervalMs);
      this.publish(report());
    };
    this.#cancel?.();
    this.#cancel = clock.setTimeout(tick, intervalMs);
  }

  /** Stops the timer. */
  stop(): void {
    this.#cancel?.();
  }
}
