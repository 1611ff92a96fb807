import type { LibcameraSourceConfig } from '../../config/source-schema.js';
import { requireProgram } from '../programs.js';
import type { CameraDriver } from '../source.js';
import { runStream } from '../stream-process.js';
import type { CameraShape, DriverContext } from './context.js';

/** Raspberry Pi camera modules: rpicam-vid (libcamera-vid on images before Bookworm) writing MJPEG to stdout. */

export const LIBCAMERA_PROGRAMS = ['rpicam-vid', 'libcamera-vid'] as const;

/**
 * rpicam-vid's arguments: run forever (-t 0), no preview (-n), MJPEG to stdout, the camera's size and rate.
 * @example libcameraArgs({ id: 'pi', width: 640, height: 480, fps: 15 }, { kind: 'libcamera', camera: 0, args: [] })
 */
export function libcameraArgs(camera: CameraShape, source: LibcameraSourceConfig): string[] {
  return [
    '-t',
    '0',
    '-n',
    '--codec',
    'mjpeg',
    '--width',
    String(camera.width),
    '--height',
    String(camera.height),
    '--framerate',
    String(camera.fps),
    '--camera',
    String(source.camera),
    ...source.args,
    '-o',
    '-',
  ];
}

/**
 * The libcamera driver; JPEGs are split and decoded with sharp.
 * @example libcameraDriver(camera, camera.source, context)
 */
export function libcameraDriver(
  camera: CameraShape,
  source: LibcameraSourceConfig,
  context: DriverContext,
): CameraDriver {
  let program: string | undefined;
  const find = () =>
    requireProgram(
      LIBCAMERA_PROGRAMS,
      `camera "${camera.id}" (kind libcamera)`,
      'sudo apt install rpicam-apps',
      context.path,
    );
  return {
    description: `libcamera camera ${source.camera}`,
    async preflight() {
      program = find();
    },
    run(sink, signal) {
      program ??= find();
      const name = program.split('/').pop() ?? 'rpicam-vid';
      return runStream(
        { command: program, args: libcameraArgs(camera, source), format: { kind: 'mjpeg' }, program: name },
        sink,
        signal,
      );
    },
  };
}
