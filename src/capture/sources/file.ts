import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import type { FileSourceConfig } from '../../config/source-schema.js';
import type { CorruptKind } from '../../corrupt-kind.js';
import { EdgecamError } from '../../errors.js';
import { sleep } from '../../time/clock.js';
import { decodeFailureKind } from '../jpeg-decoder.js';
import { resolveFfmpeg } from '../programs.js';
import type { CameraDriver, FrameSink, SessionEnd } from '../source.js';
import { runStream, type StreamCommand } from '../stream-process.js';
import type { CameraShape, DriverContext } from './context.js';
import { FFMPEG_PREFIX, rawOutput } from './ffmpeg-args.js';
import { ImageBytes } from './image-bytes.js';
import { ImageScreen } from './image-screen.js';
import { ffmpegPlays, playJpegs } from './jpeg-replay.js';
import { naturalOrder } from './natural-order.js';
import { type FolderReplay, nothingPlayable } from './replay-plan.js';

/**
 * Recorded frames: a video file through ffmpeg, or images (a directory, or a glob such as
 * shots/*.jpg) in name order (JPEGs alone through ffmpeg too, others through sharp); optionally
 * looping, paced at the camera's fps (realtime) or as fast as the consumer takes them (fast:
 * nothing is dropped).
 */

/** How many bytes of image files a looping replay keeps in memory rather than reading them again. */
const LOOP_BYTES_BUDGET = 32 << 20;

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif'] as const;

/** What a file source's path names. */
export type FileInput =
  | { readonly kind: 'video'; readonly path: string }
  | { readonly kind: 'images'; readonly files: string[] };

/**
 * Resolves `path` (relative to `cwd`): a directory or glob gives its images sorted by name, an
 * image file gives itself, any other file is a video. Throws EDGECAM_ERR_CAMERA_FILE otherwise.
 * @example await resolveFileInput('shots/*.jpg', 'front') // { kind: 'images', files: [...] }
 */
export async function resolveFileInput(
  path: string,
  cameraId: string,
  cwd = process.cwd(),
): Promise<FileInput> {
  const full = resolve(cwd, path);
  const fail = (why: string) =>
    new EdgecamError(
      'EDGECAM_ERR_CAMERA_FILE',
      `camera "${cameraId}": source.path "${path}" ${why}: write the path of a video file, a directory of images or a glob such as shots/*.jpg (relative to ${cwd})`,
    );
  if (/[*?[]/.test(basename(full))) {
    const dir = dirname(full);
    const pattern = globToRegExp(basename(full));
    const names = await readdir(dir).catch(() => undefined);
    if (names === undefined) throw fail(`is in a directory that cannot be read (${dir})`);
    const files = names
      .filter((n) => pattern.test(n) && isImage(n))
      .sort(naturalOrder)
      .map((n) => join(dir, n));
    if (files.length === 0) throw fail('matches no image files');
    return { kind: 'images', files };
  }
  const info = await stat(full).catch(() => undefined);
  if (info === undefined) throw fail('does not exist');
  if (info.isDirectory()) {
    const files = (await readdir(full))
      .filter(isImage)
      .sort(naturalOrder)
      .map((n) => join(full, n));
    if (files.length === 0) throw fail(`is a directory with no images (${IMAGE_EXTENSIONS.join(', ')})`);
    return { kind: 'images', files };
  }
  if (!info.isFile()) throw fail('is not a file or directory');
  return isImage(full) ? { kind: 'images', files: [full] } : { kind: 'video', path: full };
}

function isImage(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const c of glob) {
    source +=
      c === '*'
        ? '[^/]*'
        : c === '?'
          ? '[^/]'
          : c === '[' || c === ']'
            ? c
            : c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * ffmpeg's arguments for a video file: -re paces it in real time, at the camera's fps; at pace
 * fast each of the video's frames comes once (an fps filter there would repeat frames up to the
 * camera's fps: a 30 fps clip at fps 1000 gave each frame 33 times). -stream_loop -1 loops it.
 * @example videoArgs(camera, source, '/videos/door.mp4')
 */
export function videoArgs(camera: CameraShape, source: FileSourceConfig, path: string): string[] {
  const fast = source.pace === 'fast';
  return [
    ...FFMPEG_PREFIX,
    ...(fast ? [] : ['-re']),
    ...(source.loop ? ['-stream_loop', '-1'] : []),
    '-i',
    path,
    '-an',
    // -vsync rather than its newer name -fps_mode, which the ffmpeg npm installs does not know.
    ...(fast ? ['-vsync', 'passthrough'] : []),
    ...rawOutput(camera.width, camera.height, fast ? undefined : camera.fps),
  ];
}

/**
 * The file driver.
 * @example fileDriver(camera, { kind: 'file', path: 'door.mp4', loop: true, pace: 'realtime' }, context)
 */
export function fileDriver(
  camera: CameraShape,
  source: FileSourceConfig,
  context: DriverContext,
): CameraDriver {
  let input: FileInput | undefined;
  let ffmpeg: string | undefined;
  const ffmpegPath = () => (ffmpeg ??= resolveFfmpeg(context.ffmpegPath, context.path));
  // A looping replay keeps the files' bytes (up to 32 MB: the sample drive is 2 MB).
  const images = new ImageBytes(source.loop ? LOOP_BYTES_BUDGET : 0);
  const screen = new ImageScreen(source.maxPixels);
  const replay: ImageReplay = { camera, source, context, images, screen, next: 0, stoppedAt: undefined };
  return {
    description: `file ${source.path}`,
    async preflight() {
      input = await resolveFileInput(source.path, camera.id);
      if (input.kind === 'video') ffmpegPath();
    },
    async run(sink, signal) {
      input ??= await resolveFileInput(source.path, camera.id);
      if (input.kind === 'images') {
        // JPEGs decode in ffmpeg, at under half of sharp's CPU (jpeg-replay.ts); without it, in sharp.
        const decoder = ffmpegPlays(input.files) ? ffmpegIfAny(ffmpegPath) : undefined;
        if (decoder === undefined) return playImages(replay, input.files, sink, signal);
        return playJpegs(decoder, replay, input.files, sink, signal);
      }
      const stream = videoStream(camera, source, ffmpegPath(), input.path);
      return runStream(stream, sink, signal, source.pace === 'fast');
    },
  };
}

/** ffmpeg's path, or undefined where it cannot be found. */
function ffmpegIfAny(ffmpegPath: () => string): string | undefined {
  try {
    return ffmpegPath();
  } catch {
    return undefined;
  }
}

/** ffmpeg decoding a video file into raw RGB frames at the camera's size; finite unless it loops. */
function videoStream(
  camera: CameraShape,
  source: FileSourceConfig,
  ffmpeg: string,
  path: string,
): StreamCommand {
  return {
    command: ffmpeg,
    args: videoArgs(camera, source, path),
    format: { kind: 'raw', width: camera.width, height: camera.height, channels: 3 },
    program: 'ffmpeg',
    finite: !source.loop,
  };
}

/** A folder replay through sharp: also its clock and the bytes it keeps. */
interface ImageReplay extends FolderReplay {
  readonly context: DriverContext;
  readonly images: ImageBytes;
}

/**
 * Plays images through sharp, paced at the camera's fps or as the consumer takes them. A file that
 * the screen refuses or that does not decode is skipped and counted, and the next one plays at
 * once; a whole pass with nothing playable ends the session (the camera retries with backoff).
 */
async function playImages(
  replay: ImageReplay,
  files: string[],
  sink: FrameSink,
  signal: AbortSignal,
): Promise<SessionEnd> {
  const { camera, source, context } = replay;
  const period = 1000 / camera.fps;
  const start = context.clock.now();
  let skippedInARow = 0;
  for (let shown = 0; !signal.aborted; ) {
    if (replay.next >= files.length) {
      if (!source.loop) return { reason: 'end of the images', finished: true };
      replay.next = 0;
    }
    if (skippedInARow >= files.length) return { reason: nothingPlayable(source.path, files.length) };
    const file = files[replay.next++]!;
    const image = await readImage(replay, file);
    if ('kind' in image) {
      sink.corrupt(`${file} ${image.reason}`, image.kind);
      skippedInARow++;
      continue;
    }
    skippedInARow = 0;
    sink.raw(image, camera.width, camera.height, 3);
    shown++;
    if (source.pace === 'fast') await sink.whenTaken();
    else await sleep(context.clock, Math.max(0, start + shown * period - context.clock.now()), signal);
  }
  return { reason: 'stopped' };
}

/** A screened image file decoded, or why it is skipped (a file that fails to decode is refused from now on). */
async function readImage(
  replay: ImageReplay,
  file: string,
): Promise<Uint8Array | { kind: CorruptKind; reason: string }> {
  const verdict = await replay.screen.check(file);
  if (!verdict.playable) return verdict;
  try {
    return await decodeImage(await replay.images.read(file), replay.camera, replay.source.maxPixels);
  } catch (err) {
    const failure = { kind: decodeFailureKind(err), reason: `does not decode (${(err as Error).message})` };
    replay.screen.refuse(file, failure.kind, failure.reason);
    return failure;
  }
}

/** An image file's bytes as RGB at the camera's size (scaled to cover it, centred). */
function decodeImage(bytes: Buffer, camera: CameraShape, maxPixels: number): Promise<Uint8Array> {
  // The pixel limit again: the file may have changed since it was screened.
  return sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels })
    .removeAlpha()
    .resize(camera.width, camera.height, { fit: 'cover' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
}
