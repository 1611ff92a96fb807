import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { CLI } from '../cli-helpers.js';

/** One pino line of the daemon's stdout. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface DaemonChild {
  readonly process: ChildProcess;
  readonly lines: LogLine[];
  /** Resolves with the first log line (already printed or coming) that matches. */
  waitForLog(match: (line: LogLine) => boolean, what: string): Promise<LogLine>;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  /** kill -9 if still running; waits for the exit. */
  kill9(): Promise<void>;
}

/**
 * `edgecam run --config FILE` as users run it (the built CLI), with stdout's JSON log lines parsed.
 * @example const child = startDaemon(configFile); await child.waitForLog((l) => l.msg === 'edgecam running', 'start')
 */
export function startDaemon(configFile: string, options: { cwd?: string } = {}): DaemonChild {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('EDGECAM_') && v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop()!;
    for (const part of parts) {
      if (part.trim() === '') continue;
      try {
        lines.push(JSON.parse(part) as LogLine);
      } catch {
        lines.push({ level: 0, msg: part });
      }
    }
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    process: child,
    lines,
    waitForLog: (match, what) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            listeners.delete(check);
            resolve(found);
          }
        };
        listeners.add(check);
        void exit.then(({ code }) => {
          if (listeners.has(check))
            reject(
              new Error(
                `edgecam exited (${code}) before ${what}: ${err}\n${lines.map((l) => l.msg).join('\n')}`,
              ),
            );
        });
        check();
      }),
    exited: () => exit,
    stderr: () => err,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}
