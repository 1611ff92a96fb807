import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The publisher child (fixtures/publisher-child.ts), run through tsx so that it runs the sources. */
const SCRIPT = fileURLToPath(new URL('./fixtures/publisher-child.ts', import.meta.url));

export interface ChildSettings {
  readonly url: string;
  readonly stateDir: string;
  readonly events?: number;
  readonly waitConnected?: boolean;
  readonly waitDrained?: boolean;
}

export interface PublisherChild {
  readonly process: ChildProcess;
  /** Resolves when the child printed `word` on a line. */
  waitFor(word: string): Promise<void>;
  /** kill -9, and wait for it to be gone. */
  kill9(): Promise<void>;
}

export function startChild(settings: ChildSettings): PublisherChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: {
      ...process.env,
      EDGECAM_TEST_CHILD: JSON.stringify({
        events: 0,
        waitConnected: false,
        waitDrained: false,
        ...settings,
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = once(child, 'exit');
  return {
    process: child,
    waitFor: (word) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (out.split('\n').includes(word)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${word}": ${err}`)));
        check();
      }),
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
