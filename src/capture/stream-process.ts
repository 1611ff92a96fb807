import type { Readable } from 'node:stream';
import { i420Size } from '../kernels/i420.js';
import { describeExit, startProcess } from './child.js';
import { JpegSplitter } from './mjpeg.js';
import type { FrameSink, SessionEnd } from './source.js';

/**
 * What a capture program writes to stdout: concatenated JPEGs, raw frames of a fixed size, or
 * I420 frames (YUV 4:2:0 planes as JPEG defines them, even sizes only).
 */
export type StreamFormat =
  | { readonly kind: 'mjpeg' }
  | { readonly kind: 'raw'; readonly width: number; readonly height: number; readonly channels: 1 | 3 }
  | { readonly kind: 'i420'; readonly width: number; readonly height: number };

/** A program to run and what its stdout carries. */
export interface StreamCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly format: StreamFormat;
  /** The program's name in messages ("ffmpeg", "rpicam-vid"). */
  readonly program: string;
  /** True when the program ending means the stream is complete (a file played once). */
  readonly finite?: boolean;
  /** Written to the program's stdin (an ffmpeg concat list). */
  readonly input?: string;
  /** A stderr line that says a frame was skipped as undecodable: each one counts as corrupt. */
  readonly corruptLine?: RegExp;
}

/**
 * Runs one capture program for one session: its stdout goes to `sink` (split into JPEGs, or cut
 * into raw frames) until it exits or `signal` aborts; resolves once it has exited. With
 * `waitForConsumer` (raw frames only: a file at pace fast) reading pauses after each frame until
 * the consumer has taken it, so the program waits instead of frames being dropped.
 * @example await runStream({ command: ffmpeg, args, format: { kind: 'mjpeg' }, program: 'ffmpeg' }, sink, signal)
 */
export async function runStream(
  stream: StreamCommand,
  sink: FrameSink,
  signal: AbortSignal,
  waitForConsumer = false,
): Promise<SessionEnd> {
  if (signal.aborted) return { reason: 'stopped' };
  const { corruptLine } = stream;
  const child = startProcess(stream.command, stream.args, {
    input: stream.input,
    onStderrLine:
      corruptLine === undefined
        ? undefined
        : (line) => {
            if (corruptLine.test(line)) sink.corrupt(line);
          },
  });
  const { format } = stream;
  const paced =
    waitForConsumer && format.kind !== 'mjpeg' ? pacedRawPusher(sink, format, child.stdout) : undefined;
  const push = paced?.push ?? (format.kind === 'mjpeg' ? jpegPusher(sink) : rawPusher(sink, format));
  // Everything the program wrote is read once stdout closes (it may close after the exit).
  const closed = new Promise<void>((resolve) => child.stdout.once('close', resolve));
  child.stdout.on('data', push);
  // A read error (the pipe torn down as the program dies) ends the session like the exit does.
  let readError: Error | undefined;
  child.stdout.on('error', (err) => {
    readError = err;
  });
  const stop = () => void child.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const exit = await child.exited;
    if (signal.aborted) {
      await child.stop();
      return { reason: 'stopped' };
    }
    const clean = exit.code === 0 && exit.error === undefined;
    if (clean && stream.finite === true) {
      // A file's last frames may still be in the pipe, and its last stderr lines (a file that did
      // not decode, counted as corrupt): deliver them before the stream ends.
      await untilAborted(closed, signal);
      await untilAborted(child.stderrClosed, signal);
      await paced?.idle();
      await child.stop();
      return { reason: 'end of file', finished: true };
    }
    await child.stop();
    const reason = describeExit(stream.program, exit, child.stderrTail());
    return { reason: readError === undefined ? reason : `${reason} (${readError.message})` };
  } finally {
    signal.removeEventListener('abort', stop);
    child.stdout.off('data', push);
  }
}

function jpegPusher(sink: FrameSink): (chunk: Buffer) => void {
  const splitter = new JpegSplitter({
    jpeg: (jpeg) => sink.jpeg(jpeg),
    corrupt: (reason) => sink.corrupt(reason),
  });
  return (chunk) => splitter.push(chunk);
}

type RawFormat = Exclude<StreamFormat, { kind: 'mjpeg' }>;

/** Cuts a byte stream into frames of the format's size, each in a buffer the sink keeps. */
function rawFramer(format: RawFormat) {
  const size =
    format.kind === 'i420'
      ? i420Size(format.width, format.height)
      : format.width * format.height * format.channels;
  let frame = new Uint8Array(size);
  let filled = 0;
  /** Copies from `chunk` at `offset` until a frame is complete or the chunk is used up; returns the new offset and the frame. */
  return (chunk: Buffer, offset: number): { offset: number; frame?: Uint8Array } => {
    const n = Math.min(size - filled, chunk.length - offset);
    frame.set(chunk.subarray(offset, offset + n), filled);
    filled += n;
    if (filled < size) return { offset: offset + n };
    const done = frame;
    frame = new Uint8Array(size);
    filled = 0;
    return { offset: offset + n, frame: done };
  };
}

/** Hands a complete frame of `format` to the sink. */
function frameDeliverer(sink: FrameSink, format: RawFormat): (frame: Uint8Array) => void {
  const { width, height } = format;
  if (format.kind === 'i420') return (frame) => sink.i420(frame, width, height);
  const { channels } = format;
  return (frame) => sink.raw(frame, width, height, channels);
}

function rawPusher(sink: FrameSink, format: RawFormat) {
  const next = rawFramer(format);
  const deliver = frameDeliverer(sink, format);
  return (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.length; ) {
      const cut = next(chunk, offset);
      offset = cut.offset;
      if (cut.frame !== undefined) deliver(cut.frame);
    }
  };
}

/**
 * Like rawPusher, but after each frame reading pauses until the consumer has taken it (even in
 * the middle of a chunk that holds several small frames), so the program waits instead of frames
 * being dropped.
 */
function pacedRawPusher(sink: FrameSink, format: RawFormat, stdout: Readable) {
  const next = rawFramer(format);
  const deliver = frameDeliverer(sink, format);
  let chain = Promise.resolve();
  const idle = () => chain;
  const push = (chunk: Buffer) => {
    stdout.pause();
    chain = chain.then(async () => {
      for (let offset = 0; offset < chunk.length; ) {
        const cut = next(chunk, offset);
        offset = cut.offset;
        if (cut.frame === undefined) continue;
        deliver(cut.frame);
        // whenTaken never rejects: it resolves when the frame is taken or the session ends.
        await sink.whenTaken();
      }
      stdout.resume();
    });
  };
  return { push, idle };
}

/** `promise`, or sooner when `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
  });
}
