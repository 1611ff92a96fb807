import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/**
 * A capture program (ffmpeg, rpicam-vid) run in a process group of its own, so that stopping it
 * ends whatever it started too. If Node itself dies, the program's stdout (a pipe, or a frame
 * socket) breaks and it exits on the next write (ffmpeg, rpicam-vid and fswebcam all do), so no
 * capture program outlives edgecam.
 */

/** How long a program gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 2000;
/** Lines of stderr kept for the offline reason. */
const STDERR_LINES = 8;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  readonly error?: Error;
}

export interface CaptureProcess {
  readonly pid: number | undefined;
  /** The program's stdout pipe; null when it writes to a socket given as `stdout`. */
  readonly stdout: Readable | null;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<Exit>;
  /** Resolves once stderr has closed: every line the program wrote has been read. */
  readonly stderrClosed: Promise<void>;
  /** The last lines the program wrote to stderr. */
  stderrTail(): string;
  /** SIGTERM to the group, SIGKILL after KILL_GRACE_MS; resolves once the process has exited. */
  stop(): Promise<Exit>;
}

export interface ProcessOptions {
  /** Written to the program's stdin, which then closes (an ffmpeg concat list); default: stdin closed. */
  readonly input?: string;
  /** Called with each line the program writes to stderr. */
  readonly onStderrLine?: (line: string) => void;
  /** A socket the program writes its stdout to instead of a pipe (see frame-socket.ts). */
  readonly stdout?: Socket;
}

/**
 * Starts `command args` with stdout piped, stdin closed (or fed `input`) and stderr kept (last lines).
 * @example const ffmpeg = startProcess('ffmpeg', ['-i', url, '-f', 'mjpeg', 'pipe:1']); ffmpeg.stdout.on('data', push); await ffmpeg.stop();
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): CaptureProcess {
  const child: ChildProcess = spawn(command, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', options.stdout ?? 'pipe', 'pipe'],
    detached: true, // a process group of its own: kill(-pid) reaches its children
  });
  if (options.input !== undefined) {
    // EPIPE when the program exits before reading it all: its exit says why.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input);
  }
  const stderr = readStderr(child.stderr!, options.onStderrLine);
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let stopping: Promise<Exit> | undefined;
  return {
    pid: child.pid,
    stdout: child.stdout,
    exited,
    stderrClosed: stderr.closed,
    stderrTail: stderr.tail,
    stop() {
      stopping ??= stopGroup(child, exited);
      return stopping;
    },
  };
}

/** A program's stderr as it is read: each line to `onLine`, the last STDERR_LINES kept. */
function readStderr(
  stderr: Readable,
  onLine: ((line: string) => void) | undefined,
): { readonly closed: Promise<void>; tail(): string } {
  const tail: string[] = [];
  let partial = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      tail.push(line.trim());
      onLine?.(line.trim());
    }
    if (tail.length > STDERR_LINES) tail.splice(0, tail.length - STDERR_LINES);
  });
  return {
    closed: new Promise<void>((resolve) => stderr.once('close', () => resolve())),
    tail: () => [...tail, partial.trim()].filter((l) => l !== '').join('\n'),
  };
}

/** SIGTERM to the group, SIGKILL after KILL_GRACE_MS; resolves with the exit once the leader is gone. */
async function stopGroup(child: ChildProcess, exited: Promise<Exit>): Promise<Exit> {
  signalGroup(child, 'SIGTERM');
  let cancel: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    cancel = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      resolve();
    }, KILL_GRACE_MS);
  });
  const exit = await Promise.race([exited, killed.then(() => exited)]);
  clearTimeout(cancel);
  // The leader is gone; anything it left in its group goes too.
  signalGroup(child, 'SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
  return exit;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what stopping wants.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * The exit in words, with the program's last stderr line: "ffmpeg exited with code 1: No such device".
 * @example describeExit('ffmpeg', { code: 1, signal: null }, 'Connection refused')
 */
export function describeExit(program: string, exit: Exit, stderr: string): string {
  const how =
    exit.error !== undefined
      ? `could not start ${program}: ${exit.error.message}`
      : exit.signal !== null
        ? `${program} was killed by ${exit.signal}`
        : `${program} exited with code ${exit.code}`;
  const last = stderr.split('\n').pop();
  return last === undefined || last === '' ? how : `${how}: ${last}`;
}
