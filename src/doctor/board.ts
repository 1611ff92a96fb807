import { findOnPath } from '../capture/programs.js';
import { createThrottledReader, hottest, readThermalZones } from '../health/system.js';
import { type CheckResult, fail, ok, warn } from './check.js';

/**
 * The board's temperature (its thermal zones) and, on a Raspberry Pi, its throttling flags
 * (`vcgencmd get_throttled`), read as the health stage reads them for /healthz and /metrics.
 */

/** A Pi starts to throttle its CPU at 80 °C; a Jetson near there too. Warn with some room left. */
export const HOT_CELSIUS = 75;

const COOLING = 'give the board a heatsink or a fan, and air around it (not in a closed box in the sun)';

/**
 * The temperature line.
 * @example await checkTemperature('/sys/class/thermal')
 */
export async function checkTemperature(thermalRoot: string): Promise<CheckResult> {
  const zones = await readThermalZones(thermalRoot);
  const top = hottest(zones);
  if (top === null) return ok('temperature', `no thermal zones under ${thermalRoot}: nothing to read`);
  const hot = zones.find((z) => z.celsius === top)!;
  const found = `${top.toFixed(1)} °C (${hot.zone}${zones.length > 1 ? `, the hottest of ${zones.length} zones` : ''})`;
  if (top >= HOT_CELSIUS) {
    return warn('temperature', `${found}: near the 80 °C where a Pi slows its CPU`, COOLING);
  }
  return ok('temperature', found);
}

// The bits of get_throttled: https://www.raspberrypi.com/documentation/computers/os.html#get_throttled
const UNDER_VOLTAGE_NOW = 1 << 0;
const THROTTLED_NOW = (1 << 1) | (1 << 2) | (1 << 3);
const UNDER_VOLTAGE_SINCE_BOOT = 1 << 16;
const THROTTLED_SINCE_BOOT = (1 << 17) | (1 << 18) | (1 << 19);

const POWER =
  'use a power supply that holds 5 V under load (the official one: 5.1 V 3 A for a Pi 4, 5 V 5 A for a Pi 5) and a short, thick cable';

/**
 * The verdict on get_throttled's flags ('0x50005'), or on none where vcgencmd is not there.
 * @example throttledVerdict('0x50000').status // 'warn': under-voltage and throttling since boot
 */
export function throttledVerdict(flags: string | null): CheckResult {
  if (flags === null) return ok('throttling', 'no vcgencmd on PATH (not a Raspberry Pi): nothing to read');
  const bits = Number.parseInt(flags, 16);
  if (bits & UNDER_VOLTAGE_NOW) {
    return fail(
      'throttling',
      `get_throttled=${flags}: under-voltage now (frames slow, SD cards corrupt)`,
      POWER,
    );
  }
  if (bits & UNDER_VOLTAGE_SINCE_BOOT) {
    return warn('throttling', `get_throttled=${flags}: under-voltage since boot`, POWER);
  }
  if (bits & THROTTLED_NOW) {
    return warn('throttling', `get_throttled=${flags}: the CPU is slowed now (heat)`, COOLING);
  }
  if (bits & THROTTLED_SINCE_BOOT) {
    return warn('throttling', `get_throttled=${flags}: the CPU was slowed since boot (heat)`, COOLING);
  }
  return ok('throttling', `get_throttled=${flags}: never under-voltage or throttled since boot`);
}

/**
 * The throttling line, from `vcgencmd` (a program name looked for on `path`, or a path).
 * @example await checkThrottling('vcgencmd', process.env.PATH ?? '')
 */
export async function checkThrottling(vcgencmd: string, path: string): Promise<CheckResult> {
  const program = vcgencmd.includes('/') ? vcgencmd : findOnPath(vcgencmd, path);
  if (program === undefined) return throttledVerdict(null);
  const flags = await createThrottledReader(program)();
  if (flags === null) {
    return warn(
      'throttling',
      `${program} get_throttled gave no answer: under-voltage and throttling cannot be told`,
      'vcgencmd opens /dev/vcio: run as a user in the video group (sudo usermod -aG video $USER, then log in again)',
    );
  }
  return throttledVerdict(flags);
}
