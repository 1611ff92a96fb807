import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the board says about itself: temperatures of its thermal zones (/sys/class/thermal, on a
 * Pi, a Jetson and most Linux boxes) and, on a Raspberry Pi, `vcgencmd get_throttled` (under-
 * voltage and thermal throttling flags). Where a board exposes neither, both are empty.
 */

export interface ThermalZone {
  /** The zone's type (cpu-thermal, CPU-therm, x86_pkg_temp, ...), or its directory name. */
  readonly zone: string;
  readonly celsius: number;
}

/**
 * Reads every thermal zone under `root`.
 * @example await readThermalZones() // [{ zone: 'cpu-thermal', celsius: 48.3 }]
 */
export async function readThermalZones(root = '/sys/class/thermal'): Promise<ThermalZone[]> {
  let entries: string[];
  try {
    entries = (await readdir(root)).filter((name) => name.startsWith('thermal_zone')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const zones: ThermalZone[] = [];
  for (const name of entries) {
    try {
      const milli = Number((await readFile(join(root, name, 'temp'), 'utf8')).trim());
      if (!Number.isFinite(milli)) continue;
      const type = (await readFile(join(root, name, 'type'), 'utf8').catch(() => name)).trim();
      zones.push({ zone: type, celsius: milli / 1000 });
    } catch {
      // Some zones refuse reads (ENODATA on a powered-down sensor): they have no temperature now.
    }
  }
  return zones;
}

/** The hottest zone's temperature, or null without zones. */
export function hottest(zones: readonly ThermalZone[]): number | null {
  return zones.length === 0 ? null : Math.max(...zones.map((z) => z.celsius));
}

/**
 * Reads `vcgencmd get_throttled` ("throttled=0x50005") as its flags string, or null where there
 * is no vcgencmd (anything but a Pi); after one ENOENT it is not tried again.
 * @example const throttled = createThrottledReader(); await throttled() // '0x0' on a healthy Pi
 */
export function createThrottledReader(command = 'vcgencmd'): () => Promise<string | null> {
  let missing = false;
  return () =>
    new Promise((resolve) => {
      if (missing) return resolve(null);
      execFile(command, ['get_throttled'], { timeout: 2000 }, (err, stdout) => {
        if (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') missing = true;
          return resolve(null);
        }
        resolve(/throttled=(0x[0-9a-fA-F]+)/.exec(stdout)?.[1] ?? null);
      });
    });
}
