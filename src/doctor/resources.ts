import { readFile, statfs } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type CheckResult, fail, ok, warn } from './check.js';

/**
 * Memory and disk: /proc/meminfo's MemAvailable against what the daemon takes, and the free
 * space where stateDir lives against what the MQTT outbox may fill.
 */

const MIB = 1024 * 1024;

/** The daemon's peak RSS on the shipped demo is about 250 MB (README, "Pipeline speed"). */
export const MEMORY_FAIL_BYTES = 256 * MIB;
/** Below this, the daemon fits but the board has little left for anything else. */
export const MEMORY_WARN_BYTES = 512 * MIB;
/** How many outboxes' worth of free disk counts as comfortable. */
const DISK_WARN_FACTOR = 4;

/**
 * "1.9 GiB", "312 MiB".
 * @example formatBytes(3 * 1024 ** 3) // '3.0 GiB'
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
  return `${Math.round(bytes / MIB)} MiB`;
}

/**
 * MemTotal and MemAvailable from /proc/meminfo's text, in bytes (undefined where absent).
 * @example parseMeminfo('MemTotal: 3884 kB\nMemAvailable: 2000 kB') // { total: 3977216, available: 2048000 }
 */
export function parseMeminfo(text: string): { total?: number; available?: number } {
  const read = (key: string) => {
    const match = new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, 'm').exec(text);
    return match === null ? undefined : Number(match[1]) * 1024;
  };
  const total = read('MemTotal');
  const available = read('MemAvailable');
  return { ...(total === undefined ? {} : { total }), ...(available === undefined ? {} : { available }) };
}

/**
 * The memory line.
 * @example await checkMemory('/proc')
 */
export async function checkMemory(procRoot: string): Promise<CheckResult> {
  const file = join(procRoot, 'meminfo');
  const { total, available } = parseMeminfo(await readFile(file, 'utf8').catch(() => ''));
  if (available === undefined) {
    return warn(
      'memory',
      `no MemAvailable in ${file}: free memory cannot be told`,
      'nothing to fix for edgecam to run; free -m shows the memory by hand',
    );
  }
  const found = `${formatBytes(available)} available${total === undefined ? '' : ` of ${formatBytes(total)}`}`;
  const stop =
    'stop what else runs (a desktop: sudo systemctl set-default multi-user.target), or run fewer cameras; if edgecam itself is running, its own memory is already taken';
  if (available < MEMORY_FAIL_BYTES) {
    return fail('memory', `${found}: the daemon takes about 250 MB`, stop);
  }
  if (available < MEMORY_WARN_BYTES) {
    return warn('memory', `${found}: little left beside the daemon's 250 MB`, stop);
  }
  return ok('memory', found);
}

export interface DiskFacts {
  /** stateDir as configured (relative to `cwd`). */
  readonly stateDir: string;
  readonly cwd: string;
  /** mqtt.outbox.maxBytes: what the outbox may write there while the broker is away. */
  readonly outboxBytes: number;
}

/**
 * The disk line: free space on the file system stateDir is (or will be) on.
 * @example await checkDisk({ stateDir: '/var/lib/edgecam', cwd: process.cwd(), outboxBytes: 64 << 20 })
 */
export async function checkDisk(facts: DiskFacts): Promise<CheckResult> {
  const dir = resolve(facts.cwd, facts.stateDir);
  const existing = await nearestExisting(dir);
  const fs = await statfs(existing);
  const free = fs.bavail * fs.bsize;
  const found = `${formatBytes(free)} free for stateDir ${dir}${existing === dir ? '' : ` (on ${existing}; created at start)`}`;
  const outbox = `the MQTT outbox may fill ${formatBytes(facts.outboxBytes)} (mqtt.outbox.maxBytes) while the broker is away`;
  const fix = `free space there, put stateDir on a larger disk, or lower mqtt.outbox.maxBytes`;
  if (free < facts.outboxBytes) return fail('disk', `${found}: ${outbox}`, fix);
  if (free < DISK_WARN_FACTOR * facts.outboxBytes) return warn('disk', `${found}: ${outbox}`, fix);
  return ok('disk', found);
}

/** `dir`, or its nearest ancestor that exists (stateDir is made when the daemon starts). */
async function nearestExisting(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      await statfs(current);
      return current;
    } catch (err) {
      const parent = dirname(current);
      if (parent === current) throw err;
      current = parent;
    }
  }
}
