import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { TrackIds } from '../pipeline/index.js';

/**
 * The run number of a camera's track ids (pipeline/tracking/track-ids.ts: `<run>-<n>`), kept in
 * `<stateDir>/tracks/<camera>.json` and raised at every start of the camera, so that no id is
 * given twice by one camera across restarts. A counter rather than the start time: a board
 * without a real-time clock may boot with its clock in the past.
 */

export interface TrackRun {
  readonly run: number;
  /** Why the counter could not be read or kept; the run is then the seconds since the epoch. */
  readonly error?: unknown;
}

/**
 * The next run for `camera`, stored before it is returned (written to a temporary file, then
 * renamed over the old one, so a crash leaves the old number or the new one, never half a file).
 * @example const { run } = await nextTrackRun('/var/lib/edgecam', 'front') // 1, then 2, ...
 */
export async function nextTrackRun(stateDir: string, camera: string, now = Date.now()): Promise<TrackRun> {
  const dir = join(stateDir, 'tracks');
  const file = join(dir, `${camera}.json`);
  try {
    const run = (await lastRun(file)) + 1;
    await mkdir(dir, { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify({ run })}\n`);
    await rename(`${file}.tmp`, file);
    return { run };
  } catch (error) {
    // Seconds since the epoch are beyond any count of restarts: unique unless the clock is wrong.
    return { run: Math.floor(now / 1000), error };
  }
}

async function lastRun(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let run: unknown;
  try {
    run = (JSON.parse(text) as { run?: unknown }).run;
  } catch {
    run = undefined;
  }
  if (typeof run !== 'number' || !Number.isSafeInteger(run) || run < 0) {
    throw new Error(`${file} holds no run number: ${text.slice(0, 80)}`);
  }
  return run;
}

/** The track ids of this start of `camera` (a warning logged when the counter cannot be kept). */
export async function trackIdsFor(stateDir: string, camera: string, logger: Logger): Promise<TrackIds> {
  const { run, error } = await nextTrackRun(stateDir, camera);
  if (error !== undefined)
    logger.warn({ camera, err: error, run }, 'track ids: the run counter cannot be kept');
  return new TrackIds(run);
}
