import type { V4l2SourceConfig } from '../../config/source-schema.js';
import { EdgecamError } from '../../errors.js';
import { pathProbe } from '../../time/reachability.js';
import { isVideoDevice, listVideoDevices, offersSize, type ProbedDevice, probeDevice } from '../probe.js';
import { findOnPath, resolveFfmpeg } from '../programs.js';
import type { CameraDriver } from '../source.js';
import { runStream, type StreamCommand } from '../stream-process.js';
import type { CameraShape, DriverContext } from './context.js';
import { FFMPEG_PREFIX, MJPEG_COPY_OUTPUT, rawOutput } from './ffmpeg-args.js';
import { DECODE_ROUTE, type DecodeRoute } from './mjpeg-route.js';

/** USB webcams and V4L2 CSI cameras: one long-lived ffmpeg per camera reading /dev/videoN. */

export interface V4l2Options {
  /** Replaces ffmpeg's device input (tests use an MJPEG or lavfi stream where there is no camera). */
  readonly inputArgs?: readonly string[];
  /** Replaces the device probe (tests describe a camera that cannot exist here). */
  readonly probe?: (device: string) => Promise<ProbedDevice>;
  readonly route?: DecodeRoute;
}

/**
 * ffmpeg's arguments for a V4L2 camera: ask for `format` at the camera's size and rate; MJPEG is
 * passed through or decoded by ffmpeg (DECODE_ROUTE), YUYV is converted by ffmpeg.
 * @example v4l2Args(camera, source, 'mjpeg', 'ffmpeg')
 */
export function v4l2Args(
  camera: CameraShape,
  source: V4l2SourceConfig,
  format: 'mjpeg' | 'yuyv',
  route: DecodeRoute,
  inputArgs?: readonly string[],
): { args: string[]; output: 'mjpeg' | 'raw' } {
  const input = inputArgs ?? [
    '-f',
    'v4l2',
    '-input_format',
    format === 'mjpeg' ? 'mjpeg' : 'yuyv422',
    '-video_size',
    `${camera.width}x${camera.height}`,
    '-framerate',
    String(camera.fps),
    '-i',
    source.device,
  ];
  const passThrough = format === 'mjpeg' && route === 'sharp';
  return {
    args: [
      ...FFMPEG_PREFIX,
      ...input,
      ...(passThrough ? MJPEG_COPY_OUTPUT : rawOutput(camera.width, camera.height)),
    ],
    output: passThrough ? 'mjpeg' : 'raw',
  };
}

/**
 * The v4l2 driver: checks the device and its sizes before the first start, then runs ffmpeg.
 * @example new CaptureSource(v4l2Driver(camera, camera.source, context), options)
 */
export function v4l2Driver(
  camera: CameraShape,
  source: V4l2SourceConfig,
  context: DriverContext,
  options: V4l2Options = {},
): CameraDriver {
  let ffmpeg: string | undefined;
  let format: 'mjpeg' | 'yuyv' = source.format === 'yuyv' ? 'yuyv' : 'mjpeg';
  const name = `camera "${camera.id}"`;
  return {
    description: `v4l2 ${source.device}`,
    // An unplugged camera's device node comes back when it is plugged in again.
    reachable: pathProbe(source.device),
    async preflight() {
      ffmpeg = resolveFfmpeg(context.ffmpegPath, context.path);
      if (options.inputArgs !== undefined) return;
      if (!(await isVideoDevice(source.device))) {
        const present = await listVideoDevices(context.devDir);
        throw new EdgecamError(
          'EDGECAM_ERR_CAMERA_DEVICE',
          `${name}: ${source.device} is not a video device (${present.length > 0 ? `present: ${present.join(', ')}` : 'no /dev/video* at all'}): plug the camera in, or set cameras[].source.device to one that \`edgecam capture probe\` lists`,
        );
      }
      const probe =
        options.probe ??
        ((device: string) =>
          probeDevice(device, { ffmpeg: ffmpeg!, v4l2ctl: findOnPath('v4l2-ctl', context.path) }));
      let probed: ProbedDevice;
      try {
        probed = await probe(source.device);
      } catch {
        // The probe failed (busy device, odd driver): let ffmpeg try, and its error tell.
        return;
      }
      format = chooseFormat(camera, source, probed);
    },
    run(sink, signal) {
      const { args, output } = v4l2Args(
        camera,
        source,
        format,
        options.route ?? DECODE_ROUTE,
        options.inputArgs,
      );
      const stream: StreamCommand = {
        command: ffmpeg ?? resolveFfmpeg(context.ffmpegPath, context.path),
        args,
        program: 'ffmpeg',
        format:
          output === 'mjpeg'
            ? { kind: 'mjpeg' }
            : { kind: 'raw', width: camera.width, height: camera.height, channels: 3 },
      };
      return runStream(stream, sink, signal);
    },
  };
}

/**
 * The format to ask for: the configured one, or MJPEG when the camera offers it at the size
 * (auto); throws EDGECAM_ERR_CAMERA_SIZE when no usable format offers the size.
 * @example chooseFormat(camera, { kind: 'v4l2', device: '/dev/video0', format: 'auto' }, probed) // 'mjpeg'
 */
export function chooseFormat(
  camera: CameraShape,
  source: V4l2SourceConfig,
  probed: ProbedDevice,
): 'mjpeg' | 'yuyv' {
  const wanted = source.format === 'auto' ? (['mjpeg', 'yuyv'] as const) : ([source.format] as const);
  for (const format of wanted) {
    const offered = probed.formats.find((f) => f.format === format);
    if (offered !== undefined && offersSize(offered, camera.width, camera.height)) return format;
  }
  const usable = probed.formats.filter((f) => (wanted as readonly string[]).includes(f.format));
  const sizes = [
    ...new Set(
      usable.flatMap((f) => [...f.sizes.map((s) => `${s.width}x${s.height}`), ...(f.range ? [f.range] : [])]),
    ),
  ];
  throw new EdgecamError(
    'EDGECAM_ERR_CAMERA_SIZE',
    usable.length === 0
      ? `camera "${camera.id}": ${source.device} offers no ${wanted.join(' or ')} format (it offers ${probed.formats.map((f) => f.format).join(', ') || 'none'}): set cameras[].source.format to one it offers, or use another camera`
      : `camera "${camera.id}": ${source.device} does not offer ${camera.width}x${camera.height} in ${wanted.join(' or ')} (it offers ${sizes.join(', ')}): set cameras[].width and height to one of those (edgecam capture probe lists them)`,
  );
}
