import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { i420Size } from '../kernels/i420.js';
import { describeExit, startProcess } from './child.js';
import { connectFrameSocket, type FrameSocket } from './frame-socket.js';
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
  const { format } = stream;
  // Raw frames come through a socket, read in place (frame-socket.ts); JPEG streams through the pipe.
  let raw: RawInput | undefined;
  if (format.kind !== 'mjpeg') {
    try {
      raw = await connectRaw(sink, format, waitForConsumer);
    } catch (err) {
      // Out of file descriptors, say: a session that failed, retried like one.
      return { reason: `could not connect a socket for the frames: ${(err as Error).message}` };
    }
    if (signal.aborted) {
      raw.socket.programEnd.destroy();
      raw.socket.reader.destroy();
      return { reason: 'stopped' };
    }
  }
  const child = startProcess(stream.command, stream.args, {
    input: stream.input,
    onStderrLine: corruptCounter(sink, stream.corruptLine),
    stdout: raw?.socket.programEnd,
  });
  // The program has its own copy of its end now.
  raw?.socket.programEnd.destroy();
  const output = readOutput(raw?.socket.reader ?? child.stdout!, format.kind === 'mjpeg' ? sink : undefined);
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
      // A file's last frames may still be on their way, and its last stderr lines (a file that did
      // not decode, counted as corrupt): deliver them before the stream ends.
      await untilAborted(output.closed, signal);
      await untilAborted(child.stderrClosed, signal);
      await raw?.taken();
      await child.stop();
      return { reason: 'end of file', finished: true };
    }
    await child.stop();
    const reason = describeExit(stream.program, exit, child.stderrTail());
    return { reason: output.error === undefined ? reason : `${reason} (${output.error.message})` };
  } finally {
    signal.removeEventListener('abort', stop);
    output.detach();
    raw?.socket.reader.destroy();
  }
}

/** A raw format's frame socket, and when the consumer took the frame it last delivered. */
interface RawInput {
  readonly socket: FrameSocket;
  /** Resolves once the last frame handed over was taken (at once unless waitForConsumer). */
  taken(): Promise<void>;
}

/**
 * Connects a frame socket for a raw format; with `waitForConsumer` its reader pauses after each
 * frame and resumes once the consumer has taken it.
 */
async function connectRaw(sink: FrameSink, format: RawFormat, waitForConsumer: boolean): Promise<RawInput> {
  let taken = Promise.resolve();
  let reader: Socket | undefined;
  const deliver = socketDeliverer(sink, format, waitForConsumer, (next) => {
    taken = next.then(() => {
      if (reader?.destroyed === false) reader.resume();
    });
  });
  const socket = await connectFrameSocket(frameBytes(format), deliver);
  reader = socket.reader;
  return { socket, taken: () => taken };
}

/** Counts each stderr line that says a frame was skipped as corrupt; undefined when no line does. */
function corruptCounter(
  sink: FrameSink,
  corruptLine: RegExp | undefined,
): ((line: string) => void) | undefined {
  if (corruptLine === undefined) return undefined;
  return (line) => {
    if (corruptLine.test(line)) sink.corrupt(line, 'undecodable');
  };
}

/** The program's output as it is read; `detach` stops handing its JPEGs on. */
interface OutputReading {
  /** Resolves once stdout closed: everything the program wrote has been read (it may close after the exit). */
  readonly closed: Promise<void>;
  /** A read error (the pipe or socket torn down as the program dies): it ends the session like the exit does. */
  readonly error: Error | undefined;
  detach(): void;
}

/** Reads `output`, split into JPEGs for `jpegSink` when there is one (a raw socket delivers frames itself). */
function readOutput(output: Readable, jpegSink: FrameSink | undefined): OutputReading {
  const push = jpegSink === undefined ? undefined : jpegPusher(jpegSink);
  const reading = {
    closed: new Promise<void>((resolve) => output.once('close', resolve)),
    error: undefined as Error | undefined,
    detach() {
      if (push !== undefined) output.off('data', push);
    },
  };
  if (push !== undefined) output.on('data', push);
  output.on('error', (err) => {
    reading.error = err;
  });
  return reading;
}

/** Bytes of one frame of a raw format. */
function frameBytes(format: RawFormat): number {
  return format.kind === 'i420'
    ? i420Size(format.width, format.height)
    : format.width * format.height * format.channels;
}

/**
 * What a frame socket does with each complete frame: hands it to the sink and, when the consumer
 * must take each one (`waitForConsumer`), pauses reading until it has (`paused` gets whenTaken's
 * promise; the caller resumes the socket then).
 */
function socketDeliverer(
  sink: FrameSink,
  format: RawFormat,
  waitForConsumer: boolean,
  paused: (taken: Promise<void>) => void,
): (frame: Uint8Array) => boolean {
  const deliver = frameDeliverer(sink, format);
  return (frame) => {
    deliver(frame);
    if (!waitForConsumer) return true;
    // whenTaken never rejects: it resolves when the frame is taken or the session ends.
    paused(sink.whenTaken());
    return false;
  };
}

function jpegPusher(sink: FrameSink): (chunk: Buffer) => void {
  const splitter = new JpegSplitter({
    jpeg: (jpeg) => sink.jpeg(jpeg),
    corrupt: (reason, kind) => sink.corrupt(reason, kind),
  });
  return (chunk) => splitter.push(chunk);
}

type RawFormat = Exclude<StreamFormat, { kind: 'mjpeg' }>;

/** Hands a complete frame of `format` to the sink. */
function frameDeliverer(sink: FrameSink, format: RawFormat): (frame: Uint8Array) => void {
  const { width, height } = format;
  if (format.kind === 'i420') return (frame) => sink.i420(frame, width, height);
  const { channels } = format;
  return (frame) => sink.raw(frame, width, height, channels);
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
