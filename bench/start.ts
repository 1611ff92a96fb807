// npm run bench:start [-- --runs N]: how quickly `npm start` shows something, on a built checkout.
// 1. The up-to-date check `npm start` makes before it starts the daemon (scripts/build.mjs
//    --if-stale, a whole node process), next to what `tsc --incremental` takes to find that nothing
//    changed (the other way to skip a build).
// 2. N times `npm start` on config/default.yaml as shipped (the sample drive through the sign
//    model, the embedded broker), but on free ports and a fresh state folder: the time from
//    spawning npm to its first line (the live-view URL), to the first message on
//    <prefix>/<camera>/detections, and to the first one with a detection in it, next to the goal
//    of 5 s. An mqtt.js client subscribes as soon as the mosquitto_sub line names the broker.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { buildState } from '../scripts/build-stamp.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOAL_S = 5;

const progress = (what: string) => process.stderr.write(`bench:start: ${what}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Milliseconds `node ARGS` takes in the checkout, as a whole process. */
function timeNode(args: string[]): number {
  const t0 = performance.now();
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - t0;
}

interface StartTimes {
  firstLine: number;
  firstDetections: number;
  firstDetection: number;
}

/** One `npm start`, stopped with SIGTERM once a detection is out; the times from spawning npm. */
async function timeStart(): Promise<StartTimes> {
  const state = mkdtempSync(join(tmpdir(), 'edgecam-bench-start-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|EDGECAM_)/i.test(k) && v !== undefined) env[k] = v;
  }
  Object.assign(env, { EDGECAM_HTTP__PORT: '0', EDGECAM_MQTT__BROKER__PORT: '0', EDGECAM_STATEDIR: state });
  const t0 = performance.now();
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(npm, 'exit');
  try {
    let firstLine = 0;
    const watch = await new Promise<RegExpExecArray>((resolve, reject) => {
      let partial = '';
      npm.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it named the broker`)));
      npm.stdout!.on('data', (chunk: Buffer) => {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
          if (firstLine === 0 && line.startsWith('live view: ')) firstLine = performance.now() - t0;
          const m = /^watch MQTT: mosquitto_sub -h (\S+) -p (\d+) -t '([^']+)\/#'/.exec(line);
          if (m) resolve(m);
        }
      });
    });
    npm.stdout!.resume();
    const [, host, port, prefix] = watch;
    const client = await connectAsync(`mqtt://${host}:${port}`, { reconnectPeriod: 100 });
    let firstDetections = 0;
    const firstDetection = await new Promise<number>((resolve) => {
      client.on('message', (_topic, payload) => {
        const at = performance.now() - t0;
        if (firstDetections === 0) firstDetections = at;
        const { detections } = JSON.parse(payload.toString()) as { detections: unknown[] };
        if (detections.length > 0) resolve(at);
      });
      void client.subscribeAsync(`${prefix}/+/detections`);
    });
    await client.endAsync();
    return { firstLine, firstDetections, firstDetection };
  } finally {
    npm.kill('SIGTERM');
    await exited;
    rmSync(state, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  if (!buildState(ROOT).current)
    throw new Error('dist/ is not up to date: run npm run build (bench:start does)');

  progress('timing the up-to-date checks');
  const check = median([1, 2, 3, 4, 5].map(() => timeNode(['scripts/build.mjs', '--if-stale'])));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const incremental = median(
    [1, 2, 3].map(() =>
      timeNode([tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo']),
    ),
  );

  const times: StartTimes[] = [];
  for (let i = 1; i <= runs; i++) {
    progress(`npm start, run ${i} of ${runs}`);
    times.push(await timeStart());
  }
  const row = (what: string, values: number[], goal = '') =>
    console.log(
      `  ${what.padEnd(46)} ${seconds(median(values)).padStart(8)}   (${values.map((v) => seconds(v)).join(', ')})${goal}`,
    );
  console.log('No-op build check, a built checkout (median):');
  console.log(
    `  scripts/build.mjs --if-stale (content hash)    ${seconds(check).padStart(8)}   (what npm start runs)`,
  );
  console.log(`  tsc -p tsconfig.build.json --incremental       ${seconds(incremental).padStart(8)}`);
  console.log(`npm start on config/default.yaml, ${runs} runs (median, then each), from spawning npm:`);
  row(
    'the live-view URL printed',
    times.map((t) => t.firstLine),
  );
  row(
    'the first detections message',
    times.map((t) => t.firstDetections),
  );
  const goal = median(times.map((t) => t.firstDetection)) < GOAL_S * 1000 ? 'met' : 'NOT met';
  row(
    'the first detections message with a detection',
    times.map((t) => t.firstDetection),
    `   goal < ${GOAL_S} s: ${goal}`,
  );
}

await main();
