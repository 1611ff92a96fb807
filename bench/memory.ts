// npm run bench:memory [-- --seconds N]: the daemon's resident memory on config/default.yaml (the
// sample replay at its real 10 fps, the sign model, edge maps, the embedded broker), run as npm
// start and systemd run it, side by side with variants of its memory settings, all at once (so a
// busy machine slows every variant alike). Prints per variant: RSS (the median of a sample a
// second), peak RSS, its anonymous part (the rest is shared library code: node, ONNX Runtime,
// libvips), and CPU milliseconds per frame (the daemon's threads; ffmpeg's are its own). Goal (the
// README's Boards section): RSS under 150 MB on the default config with no more CPU per frame.
// [-- --baseline DIR] runs, instead of those variants, this build and an earlier one side by side,
// each with the memory settings of its own `npm start` script; DIR is a checkout with dist/ built,
// e.g. from this one:
//   git worktree add /tmp/base HEAD~1 && ln -s $PWD/node_modules /tmp/base/ && (cd /tmp/base && npm run build)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsText, shippedSettings } from './shipped-settings.js';
import { median } from './timing.js';

const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const SECONDS = at >= 0 ? Number(args[at + 1]) : 60;
const baselineAt = args.indexOf('--baseline');
const BASELINE = baselineAt >= 0 ? args[baselineAt + 1] : undefined;
/** Left out of the figures: start-up (model load, first frames). */
const WARMUP_SECONDS = 10;
const CLI = 'dist/cli.js';

interface Variant {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly nodeArgs: readonly string[];
  /** The checkout it runs from (its dist/, config and models); this one when left out. */
  readonly cwd?: string;
}

/** A checkout's shipped settings (shipped-settings.ts), run from that checkout. */
function shipped(dir: string, name: string): Variant {
  const settings = shippedSettings(dir);
  return { name: `${name} (${settingsText(settings)})`, ...settings, ...(dir === '.' ? {} : { cwd: dir }) };
}

const TODAY = shipped('.', 'as shipped');

/** `env` without glibc's trim settings: free() then keeps memory for the next allocation. */
function withoutTrim(env: Record<string, string>): Record<string, string> {
  const { MALLOC_TRIM_THRESHOLD_: _threshold, MALLOC_TOP_PAD_: _pad, ...rest } = env;
  return rest;
}
const SETTINGS: Variant[] = [
  TODAY,
  {
    name: 'glibc keeps freed heap: as shipped without MALLOC_TRIM_THRESHOLD_ and MALLOC_TOP_PAD_',
    env: withoutTrim(TODAY.env),
    nodeArgs: TODAY.nodeArgs,
  },
  { name: "Node's defaults (no settings)", env: {}, nodeArgs: [] },
];
const VARIANTS: Variant[] =
  BASELINE === undefined ? SETTINGS : [TODAY, shipped(BASELINE, `baseline ${BASELINE}, as it shipped`)];

interface Figures {
  rssMb: number;
  peakMb: number;
  anonMb: number;
  cpuMsPerFrame: number;
  frames: number;
}

function status(pid: number): { rss: number; anon: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024 };
}

/** The process's CPU seconds so far, all its threads (utime + stime of /proc/PID/stat). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function framesProcessed(url: string): Promise<number> {
  const text = await (await fetch(new URL('metrics', url))).text();
  let sum = 0;
  for (const m of text.matchAll(/^edgecam_frames_decoded_total\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
  return sum;
}

async function run(variant: Variant): Promise<Figures> {
  const state = mkdtempSync(join(tmpdir(), 'edgecam-bench-memory-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('EDGECAM_') && !k.startsWith('MALLOC_')) env[k] = v;
  }
  const child = spawn(process.execPath, [...variant.nodeArgs, CLI, 'run'], {
    env: {
      ...env,
      ...variant.env,
      EDGECAM_HTTP__PORT: '0',
      EDGECAM_MQTT__BROKER__PORT: '0',
      EDGECAM_STATEDIR: state,
      EDGECAM_LOG__LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(variant.cwd === undefined ? {} : { cwd: variant.cwd }),
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /"msg":"live view: (http:[^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`the daemon exited ${code}: ${out}`)));
    });
    const pid = child.pid!;
    await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
    const [cpu0, frames0] = [cpuSeconds(pid), await framesProcessed(url)];
    // Sampled every second: RSS moves by several MB between collections, so one reading at the
    // end would be one draw of that noise; the median is the level it keeps.
    const samples: { rss: number; anon: number }[] = [];
    for (let s = 0; s < SECONDS; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(status(pid));
    }
    const [cpu1, frames1] = [cpuSeconds(pid), await framesProcessed(url)];
    const frames = frames1 - frames0;
    return {
      rssMb: median(samples.map((x) => x.rss)),
      peakMb: Math.max(...samples.map((x) => x.rss)),
      anonMb: median(samples.map((x) => x.anon)),
      cpuMsPerFrame: ((cpu1 - cpu0) * 1000) / frames,
      frames,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(state, { recursive: true, force: true });
  }
}

console.log(
  `edgecam run on config/default.yaml, ${VARIANTS.length} variants at once, measured for ${SECONDS} s after ${WARMUP_SECONDS} s\n`,
);
const results = await Promise.all(VARIANTS.map(run));
const fmt = (n: number, d = 0) => n.toFixed(d);
console.log(
  '| memory settings | RSS, MB, median of 1 s samples (goal < 150) | peak RSS, MB | of it anonymous, MB (median) | CPU ms per frame | frames |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [i, v] of VARIANTS.entries()) {
  const r = results[i]!;
  console.log(
    `| ${v.name} | ${fmt(r.rssMb)} | ${fmt(r.peakMb)} | ${fmt(r.anonMb)} | ${fmt(r.cpuMsPerFrame, 2)} | ${r.frames} |`,
  );
}
