import { execFile } from 'node:child_process';
import { extname } from 'node:path';
import { resolveFfmpeg } from '../capture/programs.js';
import { IMAGE_EXTENSIONS } from '../capture/sources/file.js';
import type { CameraConfig } from '../config/schema.js';
import { type CheckResult, fail, missing, ok } from './check.js';

/**
 * The ffmpeg capture runs (capture.ffmpegPath, else PATH, else the copy npm installed, as
 * src/capture/programs.ts finds it) and its version; fatal when an enabled camera reads through it.
 */

export interface FfmpegFacts {
  /** capture.ffmpegPath ('' for PATH, then the npm one). */
  readonly configured: string;
  readonly path: string;
  readonly cameras: readonly CameraConfig[];
  /** Finds ffmpeg or throws EDGECAM_ERR_CAMERA_PROGRAM; resolveFfmpeg unless a test stands in. */
  readonly resolve?: (configured: string, path: string) => string;
}

const OTHER_IMAGES = IMAGE_EXTENSIONS.filter((e) => e !== '.jpg' && e !== '.jpeg') as readonly string[];

/**
 * The enabled cameras that read through ffmpeg: USB (v4l2), RTSP and HTTP streams, and files
 * (videos and JPEG replays; other images go through sharp).
 * @example ffmpegCameras(config.cameras) // ['front']
 */
export function ffmpegCameras(cameras: readonly CameraConfig[]): string[] {
  return cameras
    .filter((c) => c.enabled)
    .filter((c) => {
      const kind = c.source.kind;
      if (kind === 'file') return !OTHER_IMAGES.includes(extname(c.source.path).toLowerCase());
      return kind === 'v4l2' || kind === 'rtsp' || kind === 'http';
    })
    .map((c) => c.id);
}

/**
 * The ffmpeg line.
 * @example await checkFfmpeg({ configured: '', path: process.env.PATH ?? '', cameras: config.cameras })
 */
export async function checkFfmpeg(facts: FfmpegFacts): Promise<CheckResult> {
  const users = ffmpegCameras(facts.cameras);
  const uses =
    users.length === 0
      ? 'no enabled camera reads through it'
      : `camera${users.length > 1 ? 's' : ''} ${users.map((id) => `"${id}"`).join(', ')} read${users.length > 1 ? '' : 's'} through it`;
  let ffmpeg: string;
  try {
    ffmpeg = (facts.resolve ?? resolveFfmpeg)(facts.configured, facts.path);
  } catch {
    // resolveFfmpeg throws only EDGECAM_ERR_CAMERA_PROGRAM: a bad ffmpegPath, or none to be found.
    if (facts.configured !== '') {
      return fail(
        'ffmpeg',
        `capture.ffmpegPath is "${facts.configured}", which is not an executable file`,
        'fix the path, or set capture.ffmpegPath: "" to use ffmpeg from PATH',
      );
    }
    return missing(
      'ffmpeg',
      users.length > 0,
      `no ffmpeg: not on PATH, and @ffmpeg-installer/ffmpeg has none for this machine; ${uses}`,
      'sudo apt install ffmpeg (or set capture.ffmpegPath to one)',
    );
  }
  const version = await ffmpegVersion(ffmpeg);
  if (version === undefined) {
    return missing(
      'ffmpeg',
      users.length > 0,
      `${ffmpeg} does not run (ffmpeg -version failed); ${uses}`,
      'reinstall it (sudo apt install --reinstall ffmpeg), or set capture.ffmpegPath to one that runs',
    );
  }
  const npm = ffmpeg.includes('node_modules') ? ' (the copy npm installed)' : '';
  return ok('ffmpeg', `ffmpeg ${version} at ${ffmpeg}${npm}`);
}

/** "5.1.6-0+deb12u1" from `ffmpeg -version`, or undefined when it does not run. */
function ffmpegVersion(ffmpeg: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-version'], { timeout: 10_000 }, (err, stdout) => {
      if (err !== null) return resolve(undefined);
      resolve(/^ffmpeg version (\S+)/m.exec(stdout)?.[1] ?? 'of unknown version');
    });
  });
}
