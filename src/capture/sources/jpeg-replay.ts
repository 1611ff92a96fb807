import type { FileSourceConfig } from '../../config/source-schema.js';
import type { FrameSink, SessionEnd } from '../source.js';
import { runStream } from '../stream-process.js';
import type { CameraShape } from './context.js';
import { FFMPEG_PREFIX } from './ffmpeg-args.js';

/**
 * A folder of JPEGs replayed through ffmpeg: it reads the files itself (a concat list on stdin)
 * and writes what its decoder produces, I420 (YUV 4:2:0): half the bytes of RGB, and no
 * conversion in ffmpeg. The frames keep those planes (capture/i420-frame.ts): the model reads
 * them, and RGB is made only for what reads a frame's data (kernels/i420.ts). Decoding took
 * 0.9 ms of CPU a 640x480 sample frame in ffmpeg on its own, writing RGB, against 2.0 for sharp,
 * whose libvips spends most of that handing strips between threads (perf: 31% in the kernel's
 * futex and scheduler, 13% in malloc); writing I420, ffmpeg took 0.2 ms less a frame beside the
 * daemon. Other image types keep sharp.
 */

/** About how many frames one ffmpeg run of a looping replay plays (whole passes over the files). */
export const FRAMES_PER_RUN = 1000;

/** ffmpeg's stderr line for a file it could not decode; the frame is skipped. */
const UNDECODABLE = /^Error while decoding stream/;

/**
 * Whether ffmpeg's concat demuxer can play every file: JPEGs by their names, none with a "%" in
 * its path (ffmpeg's image reader takes it for a frame-number pattern, and the "option" line that
 * turns that off is unknown to the ffmpeg npm installs, from 2018).
 */
export function ffmpegPlays(files: readonly string[]): boolean {
  return files.every((f) => /\.jpe?g$/i.test(f) && !f.includes('%'));
}

/**
 * The concat list: the files in order, `passes` times over.
 * @example concatList(['/shots/a.jpg'], 1) // "ffconcat version 1.0\nfile 'file:/shots/a.jpg'\n"
 */
export function concatList(files: readonly string[], passes: number): string {
  // Quoted, a ' is written '\'' ; the file: prefix keeps a name from being read as a protocol.
  const entries = files.map((f) => `file 'file:${f.replaceAll("'", "'\\''")}'\n`).join('');
  return `ffconcat version 1.0\n${entries.repeat(passes)}`;
}

/**
 * ffmpeg's arguments: the list on stdin; each image becomes frame N at N / fps (in microseconds,
 * so that no two share a timestamp at any fps: the concat demuxer's own clock ticks at 1/25 s),
 * paced in real time by the realtime filter for pace realtime; scaled to cover the camera's size
 * (centred, as sharp's fit: 'cover'). The output's -r matches those timestamps, so no frame is
 * repeated or dropped.
 * @example jpegReplayArgs({ id: 'demo', width: 640, height: 480, fps: 10 }, 'realtime')
 */
export function jpegReplayArgs(camera: CameraShape, pace: FileSourceConfig['pace']): string[] {
  const { width, height, fps } = camera;
  const filters = [
    'settb=AVTB',
    `setpts=N/(${fps}*TB)`,
    ...(pace === 'realtime' ? ['realtime'] : []),
    `scale=${width}:${height}:force_original_aspect_ratio=increase`,
    `crop=${width}:${height}`,
  ];
  return [
    ...FFMPEG_PREFIX,
    ...['-protocol_whitelist', 'pipe,file', '-f', 'concat', '-safe', '0', '-i', 'pipe:0'],
    ...['-an', '-vf', filters.join(','), '-r', String(fps)],
    ...['-pix_fmt', i420Fits(camera) ? 'yuvj420p' : 'rgb24', '-f', 'rawvideo', 'pipe:1'],
  ];
}

/**
 * Whether ffmpeg writes I420 for this camera (YUV 4:2:0, what its JPEG decoder produces: half
 * the bytes of RGB, and no conversion in ffmpeg; the capture converts). It needs an even size.
 */
export function i420Fits(camera: Pick<CameraShape, 'width' | 'height'>): boolean {
  return camera.width % 2 === 0 && camera.height % 2 === 0;
}

/**
 * Plays `files` from `first` on, through ffmpeg, until the end (or, looping, until `signal`
 * aborts). A looping replay runs ffmpeg over about FRAMES_PER_RUN frames of whole passes at a
 * time, rather than with -stream_loop, which loses a frame at each turn with the concat demuxer
 * (ffmpeg 5.1) or cannot seek back in the list on stdin (the 2018 build). Resolves with the
 * session's end and the index to start from next time.
 */
export async function playJpegs(
  ffmpeg: string,
  camera: CameraShape,
  source: FileSourceConfig,
  files: readonly string[],
  first: number,
  sink: FrameSink,
  signal: AbortSignal,
): Promise<{ end: SessionEnd; next: number }> {
  let next = first;
  for (;;) {
    const order = source.loop ? [...files.slice(next), ...files.slice(0, next)] : files.slice(next);
    let consumed = 0;
    // Frames and undecodable files each use up one file, so a restart resumes after them.
    const counted: FrameSink = {
      jpeg: (data) => sink.jpeg(data),
      raw: (data, width, height, channels) => {
        consumed++;
        sink.raw(data, width, height, channels);
      },
      i420: (data, width, height) => {
        consumed++;
        sink.i420(data, width, height);
      },
      corrupt: (reason) => {
        consumed++;
        // stderr and stdout are separate pipes, so which file it was is not known for sure.
        sink.corrupt(`an image in ${source.path}: ${reason}`);
      },
      whenTaken: () => sink.whenTaken(),
    };
    const end = await runStream(
      {
        command: ffmpeg,
        args: jpegReplayArgs(camera, source.pace),
        format: i420Fits(camera)
          ? { kind: 'i420', width: camera.width, height: camera.height }
          : { kind: 'raw', width: camera.width, height: camera.height, channels: 3 },
        program: 'ffmpeg',
        finite: true,
        input: concatList(order, source.loop ? Math.ceil(FRAMES_PER_RUN / files.length) : 1),
        corruptLine: UNDECODABLE,
      },
      counted,
      signal,
      source.pace === 'fast',
    );
    next = (next + consumed) % files.length;
    if (!source.loop || end.finished !== true || signal.aborted) {
      return { end: end.finished === true ? { reason: 'end of the images', finished: true } : end, next };
    }
  }
}
