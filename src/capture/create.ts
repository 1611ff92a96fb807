import type { CameraConfig } from '../config/schema.js';
import { type Clock, systemClock } from '../time/clock.js';
import { CaptureSource } from './capture-source.js';
import type { FrameSource } from './source.js';
import type { DriverContext } from './sources/context.js';
import { driverFor } from './sources/index.js';

export interface CreateSourceOptions {
  /** capture.ffmpegPath; "" (default) finds ffmpeg on PATH, else the npm-installed one. */
  readonly ffmpegPath?: string;
  readonly clock?: Clock;
  /** Where programs are looked for; default PATH. */
  readonly path?: string;
  /** Where V4L2 devices are listed from; default /dev. */
  readonly devDir?: string;
}

/**
 * The FrameSource for a configured camera (its kind's driver, with restarts, stall detection,
 * decoding, orientation and the latest-frame mailbox).
 * @example const source = createSource(config.cameras[0], { ffmpegPath: config.capture.ffmpegPath });
 */
export function createSource(camera: CameraConfig, options: CreateSourceOptions = {}): FrameSource {
  const context: DriverContext = {
    ffmpegPath: options.ffmpegPath ?? '',
    clock: options.clock ?? systemClock,
    path: options.path ?? process.env.PATH ?? '',
    devDir: options.devDir ?? '/dev',
  };
  return new CaptureSource(driverFor(camera, context), {
    id: camera.id,
    width: camera.width,
    height: camera.height,
    orientation: { rotate: camera.rotate, flip: camera.flip, crop: camera.crop, gray: camera.gray },
    stallTimeoutMs: camera.stallTimeout * 1000,
    clock: context.clock,
  });
}
