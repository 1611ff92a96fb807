import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { resolveFfmpeg } from '../../../src/capture/programs.js';
import type { FrameSource } from '../../../src/capture/source.js';
import { type CameraConfig, configSchema } from '../../../src/config/schema.js';
import type { Frame } from '../../../src/frame.js';

export const FFMPEG = resolveFfmpeg('');
const run = promisify(execFile);

/** Writes `frames` frames of lavfi's testsrc as a file (MJPEG stream, or any container by extension). */
export async function makeTestVideo(path: string, width: number, height: number, frames: number, fps = 10) {
  const codec = path.endsWith('.mjpeg') ? ['-f', 'mjpeg'] : [];
  await run(FFMPEG, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', `testsrc=size=${width}x${height}:rate=${fps}`, '-frames:v', String(frames)],
    ...['-c:v', 'mjpeg', '-q:v', '5', ...codec, '-y', path],
  ]);
}

/** A camera as the config would give it. */
export function cameraConfig(camera: Record<string, unknown>): CameraConfig {
  return configSchema.parse({ cameras: [{ id: 'test', ...camera }] }).cameras[0]!;
}

/** The processes this test process started that are still running, with their names. */
export function childProcesses(): { pid: number; name: string }[] {
  const children: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised name: state, ppid, ...
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(after[1]) === process.pid && after[0] !== 'Z') {
        children.push({ pid: Number(entry), name: readFileSync(`/proc/${entry}/comm`, 'utf8').trim() });
      }
    } catch {
      // The process ended while we looked: it is not a child any more.
    }
  }
  return children;
}

/** True while a process with this pid exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Resolves when `check` is true, polling; rejects with `what` after `ms`. The limit only catches a
 * hang (with a message that says what never came): a busy machine may take many times longer.
 */
export async function waitFor(check: () => boolean, what: string, ms = 100_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Reads frames until `enough` says stop (or the stream ends), then stops the source; fails after
 * 100 s (a hang, not a slow machine), before the test's own timeout, naming how many came.
 */
export async function collect(
  source: FrameSource,
  enough: (frames: Frame[]) => boolean,
  onFrame?: (frame: Frame) => Promise<void> | void,
): Promise<Frame[]> {
  const frames: Frame[] = [];
  const stop = AbortSignal.timeout(100_000);
  for await (const frame of source.frames(stop)) {
    frames.push(frame);
    await onFrame?.(frame);
    if (enough(frames)) break;
  }
  if (stop.aborted) throw new Error(`timed out after ${frames.length} frames`);
  return frames;
}
