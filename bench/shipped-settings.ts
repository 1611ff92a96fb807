import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The memory settings edgecam runs with: environment variables and node's own flags. */
export interface MemorySettings {
  readonly env: Record<string, string>;
  readonly nodeArgs: readonly string[];
}

/**
 * The memory settings a checkout ships, read from its `npm start` script (systemd/edgecam.service
 * sets the same): the environment before `exec node`, and node's flags before the script. The
 * benches run the daemon with these, so a change to them is measured without editing each bench.
 * @example shippedSettings('.') // { env: { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '65536', MALLOC_TOP_PAD_: '0' }, nodeArgs: ['--max-semi-space-size=2', '--optimize-for-size'] }
 */
export function shippedSettings(dir: string): MemorySettings {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`${dir}/package.json: npm start does not run node: ${pkg.scripts.start}`);
  const env: Record<string, string> = {};
  for (const w of words.slice(0, node)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(w);
    if (m) env[m[1]!] = m[2]!;
  }
  const nodeArgs: string[] = [];
  for (const w of words.slice(node + 1)) {
    if (!w.startsWith('--')) break;
    nodeArgs.push(w);
  }
  return { env, nodeArgs };
}

/** The settings as one line, for a table: `MALLOC_ARENA_MAX=2 --max-semi-space-size=2 ...`. */
export function settingsText({ env, nodeArgs }: MemorySettings): string {
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...nodeArgs].join(' ');
}
