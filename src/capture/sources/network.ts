import type { HttpSourceConfig, RtspSourceConfig } from '../../config/source-schema.js';
import { urlProbe } from '../../time/reachability.js';
import { resolveFfmpeg } from '../programs.js';
import type { CameraDriver } from '../source.js';
import { runStream } from '../stream-process.js';
import type { CameraShape, DriverContext } from './context.js';
import { FFMPEG_PREFIX, rawOutput } from './ffmpeg-args.js';

/**
 * IP cameras through ffmpeg: RTSP (usually H.264) and MJPEG over HTTP. ffmpeg decodes, drops to
 * the configured rate and scales to the configured size, so every camera gives the frames asked
 * for whatever it streams. Passwords in URLs never reach messages (see redactUrl).
 */

/**
 * ffmpeg's arguments for an RTSP camera (TCP by default: no smeared frames from lost UDP packets).
 * @example rtspArgs(camera, { kind: 'rtsp', url: 'rtsp://cam/stream', transport: 'tcp' })
 */
export function rtspArgs(camera: CameraShape, source: RtspSourceConfig): string[] {
  return [
    ...FFMPEG_PREFIX,
    '-rtsp_transport',
    source.transport,
    '-fflags',
    'nobuffer',
    '-flags',
    'low_delay',
    '-i',
    source.url,
    '-an',
    ...rawOutput(camera.width, camera.height, camera.fps),
  ];
}

/**
 * ffmpeg's arguments for an MJPEG-over-HTTP camera (multipart/x-mixed-replace).
 * @example httpArgs(camera, { kind: 'http', url: 'http://cam/video.mjpg' })
 */
export function httpArgs(camera: CameraShape, source: HttpSourceConfig): string[] {
  return [...FFMPEG_PREFIX, '-i', source.url, '-an', ...rawOutput(camera.width, camera.height, camera.fps)];
}

/**
 * A URL without its password, for messages and logs.
 * @example redactUrl('rtsp://admin:secret@cam/stream') // 'rtsp://admin:***@cam/stream'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL (the schema rejects those): nothing to redact in a way that keeps it readable.
    return url;
  }
}

/** The port a camera URL means when it names none. */
const CAMERA_PORTS: Readonly<Record<string, number>> = {
  'rtsp:': 554,
  'rtsps:': 322,
  'http:': 80,
  'https:': 443,
};

/**
 * The rtsp and http driver: one long-lived ffmpeg that reads the stream. Between restarts a TCP
 * connect to the camera's host and port says when it is back.
 * @example networkDriver(camera, camera.source, context)
 */
export function networkDriver(
  camera: CameraShape,
  source: RtspSourceConfig | HttpSourceConfig,
  context: DriverContext,
): CameraDriver {
  let ffmpeg: string | undefined;
  const args = source.kind === 'rtsp' ? rtspArgs(camera, source) : httpArgs(camera, source);
  const reachable = urlProbe(source.url, CAMERA_PORTS);
  return {
    description: `${source.kind} ${redactUrl(source.url)}`,
    ...(reachable === undefined ? {} : { reachable }),
    async preflight() {
      ffmpeg = resolveFfmpeg(context.ffmpegPath, context.path);
    },
    async run(sink, signal) {
      ffmpeg ??= resolveFfmpeg(context.ffmpegPath, context.path);
      const format = { kind: 'raw', width: camera.width, height: camera.height, channels: 3 } as const;
      const end = await runStream({ command: ffmpeg, args, format, program: 'ffmpeg' }, sink, signal);
      // ffmpeg echoes the URL in its errors, password included.
      return { ...end, reason: end.reason.replaceAll(source.url, redactUrl(source.url)) };
    },
  };
}
