import { createThrottledReader, hottest, readThermalZones } from '../health/system.js';
import type { Tasks } from './tasks.js';

/**
 * The board's temperature and throttled flags for the health report. Reading them touches sysfs
 * and may run a program, so each report starts a refresh in the background and reports the last
 * read (null until the first one lands, or where the board has none).
 */
export class BoardReadings {
  celsius: number | null = null;
  throttled: string | null = null;
  readonly #readThrottled = createThrottledReader();

  /** Starts a refresh in the background; its values show in the next report. */
  refresh(tasks: Tasks): void {
    tasks.run(
      'reading the board temperature',
      Promise.all([readThermalZones(), this.#readThrottled()]).then(([zones, throttled]) => {
        this.celsius = hottest(zones);
        this.throttled = throttled;
      }),
    );
  }
}
