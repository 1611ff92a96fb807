import type { FileSourceConfig } from '../../config/source-schema.js';
import type { CorruptKind } from '../../corrupt-kind.js';
import type { FrameSink } from '../source.js';
import type { CameraShape } from './context.js';
import type { ImageScreen } from './image-screen.js';

/** What a folder replay plays from, and where it is: kept from one capture session to the next. */
export interface FolderReplay {
  readonly camera: CameraShape;
  readonly source: FileSourceConfig;
  readonly screen: ImageScreen;
  /** The index of the file to play next. */
  next: number;
  /** Where in the list the last session stopped short (ffmpeg exited or stalled), if it did. */
  stoppedAt: number | undefined;
}

/** A file a replay passed over: which, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly kind: CorruptKind;
  readonly reason: string;
}

/**
 * One stretch of a folder replay (one ffmpeg run): the screened files it plays, in order, and the
 * files it skips on the way, placed where they fall between them so that each is counted when
 * the replay passes it.
 */
export interface ReplayRun {
  /** The playable files, in order. */
  readonly play: string[];
  /** Where each played file is in the folder's list. */
  readonly at: number[];
  /** The files skipped just before play[k], by k (none when absent). */
  readonly skippedBefore: Map<number, SkippedFile[]>;
  /** The files skipped after the last played one. */
  readonly skippedAfter: SkippedFile[];
  /** Where the stretch ends in the folder's list: the next stretch starts there. */
  readonly end: number;
}

/**
 * Plans the stretch of `files` from `first`: up to `maxPlays` playable files, wrapping around when
 * `loop` (and stopping after one whole pass that found nothing playable), else up to the end.
 * @example const run = await planRun(files, screen, 0, true, 1000); run.play // the concat list
 */
export async function planRun(
  files: readonly string[],
  screen: ImageScreen,
  first: number,
  loop: boolean,
  maxPlays: number,
): Promise<ReplayRun> {
  const play: string[] = [];
  const at: number[] = [];
  const skippedBefore = new Map<number, SkippedFile[]>();
  let skipped: SkippedFile[] = [];
  let index = first;
  // A bound on the files looked at, for a long list with few playable files in it.
  const maxScanned = maxPlays + files.length;
  for (let scanned = 0; play.length < maxPlays && scanned < maxScanned; scanned++) {
    if (index >= files.length) {
      if (!loop) break;
      index = 0;
    }
    if (play.length === 0 && scanned >= files.length) break;
    const file = files[index]!;
    const verdict = await screen.check(file);
    if (verdict.playable) {
      if (skipped.length > 0) skippedBefore.set(play.length, skipped);
      skipped = [];
      play.push(file);
      at.push(index);
    } else skipped.push({ file, kind: verdict.kind, reason: verdict.reason });
    index++;
  }
  return { play, at, skippedBefore, skippedAfter: skipped, end: loop ? index % files.length : index };
}

/** Counts skipped files as corrupt frames, each with its file named. */
export function countSkipped(sink: FrameSink, skipped: readonly SkippedFile[] | undefined): void {
  for (const s of skipped ?? []) sink.corrupt(`${s.file} ${s.reason}`, s.kind);
}

/** Why a replay whose every file was skipped cannot go on. */
export function nothingPlayable(path: string, files: number): string {
  return `none of the ${files} images in ${path} can be played (each was skipped and counted as corrupt)`;
}
