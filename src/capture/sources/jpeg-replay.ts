import type { FileSourceConfig } from '../../config/source-schema.js';
import type { FrameSink, SessionEnd } from '../source.js';
import { runStream } from '../stream-process.js';
import type { CameraShape } from './context.js';
import { FFMPEG_PREFIX } from './ffmpeg-args.js';
import { countSkipped, type FolderReplay, nothingPlayable, planRun, type ReplayRun } from './replay-plan.js';

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
 * The concat list: the files in order.
 * @example concatList(['/shots/a.jpg']) // "ffconcat version 1.0\nfile 'file:/shots/a.jpg'\n"
 */
export function concatList(files: readonly string[]): string {
  // Quoted, a ' is written '\'' ; the file: prefix keeps a name from being read as a protocol.
  const entries = files.map((f) => `file 'file:${f.replaceAll("'", "'\\''")}'\n`).join('');
  return `ffconcat version 1.0\n${entries}`;
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
 * Plays `files` from `replay.next` on, through ffmpeg, until the end (or, looping, until `signal`
 * aborts). Each ffmpeg run plays a stretch of about FRAMES_PER_RUN screened files (replay-plan.ts):
 * a file the screen refuses never reaches ffmpeg; it is skipped and counted as corrupt where the
 * replay passes it. Looping goes on with the next stretch rather than with -stream_loop, which
 * loses a frame at each turn with the concat demuxer (ffmpeg 5.1) or cannot seek back in the list
 * on stdin (the 2018 build). `replay.next` keeps where to go on from after the session.
 */
export async function playJpegs(
  ffmpeg: string,
  replay: FolderReplay,
  files: readonly string[],
  sink: FrameSink,
  signal: AbortSignal,
): Promise<SessionEnd> {
  const { source, screen } = replay;
  for (;;) {
    const run = await planRun(files, screen, replay.next, source.loop, FRAMES_PER_RUN);
    if (run.play.length === 0) {
      countSkipped(sink, run.skippedAfter);
      replay.next = run.end;
      return source.loop ? { reason: nothingPlayable(source.path, files.length) } : ENDED;
    }
    const end = await playRun(ffmpeg, replay, files, run, sink, signal);
    if (end.finished !== true || signal.aborted) return end;
    if (!source.loop && replay.next >= files.length) return ENDED;
  }
}

const ENDED: SessionEnd = { reason: 'end of the images', finished: true };

/** One ffmpeg run over a stretch's files; moves `replay.next` past what it played. */
async function playRun(
  ffmpeg: string,
  replay: FolderReplay,
  files: readonly string[],
  run: ReplayRun,
  sink: FrameSink,
  signal: AbortSignal,
): Promise<SessionEnd> {
  const { camera, source } = replay;
  let consumed = 0;
  // Frames and undecodable files each use up one file; the skipped files before it count first.
  const passing = () => countSkipped(sink, run.skippedBefore.get(consumed++));
  const counted: FrameSink = {
    jpeg: (data) => sink.jpeg(data),
    raw: (data, width, height, channels) => {
      passing();
      sink.raw(data, width, height, channels);
    },
    i420: (data, width, height) => {
      passing();
      sink.i420(data, width, height);
    },
    corrupt: (reason, kind) => {
      passing();
      // stderr and stdout are separate pipes, so which file it was is not known for sure.
      sink.corrupt(`an image in ${source.path}: ${reason}`, kind);
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
      input: concatList(run.play),
      corruptLine: UNDECODABLE,
    },
    counted,
    signal,
    source.pace === 'fast',
  );
  if (end.finished === true) {
    for (let k = consumed; k < run.play.length; k++) countSkipped(sink, run.skippedBefore.get(k));
    countSkipped(sink, run.skippedAfter);
    replay.next = run.end;
    replay.stoppedAt = undefined;
  } else {
    const after = consumed === 0 ? replay.next : run.at[consumed - 1]! + 1;
    replay.next = source.loop ? after % files.length : after;
    noteStop(replay, run, consumed, end);
  }
  return end;
}

/**
 * ffmpeg stopped (exited with an error, or stalled) at the same file twice with no frame between:
 * it cannot play that file although it passed the screen, so the replay skips it from now on
 * rather than stopping there at every restart.
 */
function noteStop(replay: FolderReplay, run: ReplayRun, consumed: number, end: SessionEnd): void {
  const at = run.at[consumed];
  if (at !== undefined && consumed === 0 && replay.stoppedAt === at) {
    replay.screen.refuse(run.play[0]!, 'undecodable', `stopped ffmpeg twice (${end.reason})`);
    replay.stoppedAt = undefined;
  } else replay.stoppedAt = at;
}
