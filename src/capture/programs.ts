import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { EdgecamError } from '../errors.js';

/**
 * Finding the programs capture runs: ffmpeg (the system's, else the copy npm installed with
 * @ffmpeg-installer/ffmpeg), rpicam-vid or libcamera-vid, fswebcam.
 */

/**
 * The full path of `name` on PATH, or undefined.
 * @example findOnPath('ffmpeg') // '/usr/bin/ffmpeg'
 */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    // Not there or not executable: the caller tries the next candidate.
    return false;
  }
}

/** The ffmpeg @ffmpeg-installer/ffmpeg ships for this platform, or undefined (none for this CPU). */
function bundledFfmpeg(): string | undefined {
  try {
    const path = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    return isExecutable(path) ? path : undefined;
  } catch {
    // The package throws for a platform it has no binary for; that is "no bundled ffmpeg".
    return undefined;
  }
}

/**
 * The ffmpeg to run: `configured` (capture.ffmpegPath) when set, else ffmpeg on PATH, else the
 * npm-installed one. Throws EDGECAM_ERR_CAMERA_PROGRAM when there is none.
 * @example resolveFfmpeg('') // '/usr/bin/ffmpeg'
 */
export function resolveFfmpeg(configured = '', path = process.env.PATH ?? ''): string {
  if (configured !== '') {
    if (isExecutable(configured)) return configured;
    throw new EdgecamError(
      'EDGECAM_ERR_CAMERA_PROGRAM',
      `capture.ffmpegPath is "${configured}", which is not an executable file: fix the path, or set it to "" to use ffmpeg from PATH`,
    );
  }
  const found = findOnPath('ffmpeg', path) ?? bundledFfmpeg();
  if (found !== undefined) return found;
  throw new EdgecamError(
    'EDGECAM_ERR_CAMERA_PROGRAM',
    'no ffmpeg found (not on PATH, and @ffmpeg-installer/ffmpeg has none for this machine): install it (sudo apt install ffmpeg) or set capture.ffmpegPath',
  );
}

/**
 * The first of `names` on PATH, or an EDGECAM_ERR_CAMERA_PROGRAM error naming the camera and the fix.
 * @example requireProgram(['rpicam-vid', 'libcamera-vid'], 'camera "pi"', 'sudo apt install rpicam-apps')
 */
export function requireProgram(
  names: readonly string[],
  camera: string,
  install: string,
  path = process.env.PATH ?? '',
): string {
  for (const name of names) {
    const found = findOnPath(name, path);
    if (found !== undefined) return found;
  }
  throw new EdgecamError(
    'EDGECAM_ERR_CAMERA_PROGRAM',
    `${camera} needs ${names.join(' or ')}, which is not on PATH: install it (${install})`,
  );
}
