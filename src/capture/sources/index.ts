import type { SourceConfig, SourceKind } from '../../config/source-schema.js';
import type { CameraDriver } from '../source.js';
import type { CameraShape, DriverContext } from './context.js';
import { fileDriver } from './file.js';
import { libcameraDriver } from './libcamera.js';
import { networkDriver } from './network.js';
import { nodeWebcamDriver } from './node-webcam.js';
import { syntheticDriver } from './synthetic.js';
import { v4l2Driver } from './v4l2.js';

type DriverFactory<K extends SourceKind> = (
  camera: CameraShape,
  source: Extract<SourceConfig, { kind: K }>,
  context: DriverContext,
) => CameraDriver;

/** Every source kind and the file that drives it: the one table to add a kind to. */
export const DRIVERS: { readonly [K in SourceKind]: DriverFactory<K> } = {
  v4l2: (camera, source, context) => v4l2Driver(camera, source, context),
  libcamera: libcameraDriver,
  rtsp: networkDriver,
  http: networkDriver,
  'node-webcam': nodeWebcamDriver,
  file: fileDriver,
  synthetic: syntheticDriver,
};

/**
 * The driver for a camera's source kind.
 * @example driverFor(camera, context).description // 'v4l2 /dev/video0'
 */
export function driverFor(
  camera: CameraShape & { readonly source: SourceConfig },
  context: DriverContext,
): CameraDriver {
  const factory = DRIVERS[camera.source.kind] as DriverFactory<SourceKind>;
  return factory(camera, camera.source as never, context);
}
