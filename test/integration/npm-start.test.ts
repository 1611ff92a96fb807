// `npm start` as a user runs it from a checkout (the real npm, the project's .npmrc and
// package.json): what it prints first, that npm says nothing about the project's config, and that
// a SIGTERM or SIGINT to npm stops the daemon instead of leaving it running under PID 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildState } from '../../scripts/build-stamp.mjs';
import { missingTool } from './system-tools.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const noNpm = missingTool('npm');

let dir: string;
let config: string;

/** A started `npm start`, its stdout in lines as they come. */
interface NpmStart {
  readonly npm: ChildProcess;
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line that matches (already printed or coming). */
  waitForLine(match: (line: string) => boolean, what: string): Promise<string>;
}

/**
 * `npm start -- --config FILE` in the checkout, with the environment of a shell (no npm_* or
 * EDGECAM_* variables from the npm that may be running these tests).
 */
function npmStart(): NpmStart {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|EDGECAM_)/i.test(k) && v !== undefined) env[k] = v;
  }
  const npm = spawn('npm', ['start', '--', '--config', config], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let err = '';
  npm.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const l of listeners) l();
  });
  npm.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const waitForLine = (match: (line: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = lines.find(match);
        if (line === undefined) return;
        listeners.delete(check);
        resolve(line);
      };
      listeners.add(check);
      npm.once('exit', (code) =>
        reject(
          new Error(
            `npm start exited (${code}) before ${what}\nstdout:\n${lines.join('\n')}\nstderr:\n${err}`,
          ),
        ),
      );
      check();
    });
  return { npm, lines, stderr: () => err, waitForLine };
}

/** Whether `pid` is a live process (a zombie has exited: it only waits for its parent to read its status). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The daemon's pid, from its first JSON log line (pino writes its pid into every line). */
async function daemonPid(start: NpmStart): Promise<number> {
  const line = await start.waitForLine((l) => l.startsWith('{'), 'the first JSON log line');
  return (JSON.parse(line) as { pid: number }).pid;
}

/** Waits until `pid` has gone; gives up (returning false) only after a limit that catches a hang. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && running(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !running(pid);
}

/** npm's exit code, or 'still running' after a limit that only catches a hang (npm waits for the daemon's stop, within 5 s). */
function exitCode(npm: ChildProcess): Promise<number | null | 'still running'> {
  return Promise.race([
    once(npm, 'exit').then(([code]) => code as number | null),
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000).unref()),
  ]);
}

beforeEach(({ skip }) => {
  if (noNpm !== undefined) skip(noNpm);
});

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli.js')) || !buildState(ROOT).current) {
    // npm start would build it, but not while other tests run the files it rewrites.
    throw new Error('dist/ is not up to date: run `npm run build` first (npm test does)');
  }
  dir = await mkdtemp(join(tmpdir(), 'edgecam-npm-start-'));
  config = join(dir, 'config.yaml');
  // No cameras key: a synthetic camera with no model. Free ports: 8080 and 1883 may be taken.
  await writeFile(
    config,
    `stateDir: ${join(dir, 'state')}\nhttp: { port: 0 }\nmqtt: { broker: { port: 0 } }\n`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  let started: NpmStart | undefined;
  const leftover: number[] = [];

  afterEach(async () => {
    // Whatever a failed test left running: npm, or a daemon that outlived it.
    if (started?.npm.exitCode === null) started.npm.kill('SIGKILL');
    for (const pid of leftover.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
    started = undefined;
  });

  it('prints the live-view URL and a mosquitto_sub command first, then JSON logs; npm warns of nothing', async () => {
    started = npmStart();
    const pid = await daemonPid(started);
    leftover.push(pid);
    // npm's own banner ("> edgecam@0.1.0 start", the command) comes before what edgecam prints.
    const ours = started.lines.filter((l) => l !== '' && !l.startsWith('> '));
    expect(ours[0]).toMatch(/^live view: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ours[1]).toMatch(/^watch MQTT: mosquitto_sub -h 127\.0\.0\.1 -p \d+ -t 'edgecam\/[^']+\/#' -v$/);
    expect(() => JSON.parse(ours[2]!)).not.toThrow();
    // The JSON logs say it too, for whoever reads only them.
    await started.waitForLine(
      (l) => l.includes(`"msg":"${ours[1]} (the embedded broker: mqtt.url is empty)"`),
      'the JSON watch line',
    );
    // The lines are true: the page answers at that URL.
    const page = await fetch(ours[0]!.slice('live view: '.length));
    expect(page.status).toBe(200);
    expect(started.stderr()).not.toMatch(/npm warn/i);
    // The memory settings of README's Memory section, on the daemon process itself.
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    for (const setting of ['MALLOC_ARENA_MAX=2', 'MALLOC_TRIM_THRESHOLD_=65536', 'MALLOC_TOP_PAD_=0'])
      expect(environ).toContain(setting);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--max-semi-space-size=2');
    expect(cmdline).toContain('--optimize-for-size');
    started.npm.kill('SIGTERM');
    await once(started.npm, 'exit');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the daemon on %s to npm: no process is left',
    async (signal) => {
      started = npmStart();
      const pid = await daemonPid(started);
      leftover.push(pid);
      await started.waitForLine((l) => l.includes('"msg":"edgecam running"'), 'the running line');
      expect(pid).not.toBe(started.npm.pid);
      const exit = exitCode(started.npm);
      started.npm.kill(signal);
      const code = await exit;
      expect(await gone(pid)).toBe(true);
      // The daemon stopped as it does under systemd (not killed), and npm passed on its exit code.
      expect(started.lines.some((l) => l.includes(`"msg":"${signal}: stopping"`))).toBe(true);
      expect(started.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      expect(code).toBe(0);
    },
  );
});
