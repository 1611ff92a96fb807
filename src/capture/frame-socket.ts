import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The way raw frames come from a capture program: a connected Unix socket pair of our own rather
 * than the stdout pipe Node makes, whose reads come in new 64 KB buffers that are then copied into
 * the frame. The program writes to one end as its stdout; the other is read with onread straight
 * into the frame being filled: nothing is allocated or copied per read, and a read takes whatever
 * the socket holds, up to the rest of the frame (3 reads a 640x480 I420 frame rather than 8). On
 * the sample replay at full speed that took the daemon's CPU from 2.06-2.11 to 1.93-1.96 ms a frame.
 */

export interface FrameSocket {
  /** The program's stdout: pass it to spawn, then destroy it here. */
  readonly programEnd: Socket;
  /** The end frames are read from; it ends and closes once the program has exited and all is read. */
  readonly reader: Socket;
}

/**
 * Connects a socket pair whose reader cuts what arrives into frames of `size` bytes, each in a
 * new array handed to `deliver`; when `deliver` returns false, reading pauses until
 * `reader.resume()`. A partial frame at the end is dropped.
 * @example const s = await connectFrameSocket(640 * 480 * 3 / 2, (frame) => { sink.i420(frame, 640, 480); return true; });
 */
export async function connectFrameSocket(
  size: number,
  deliver: (frame: Uint8Array) => boolean,
): Promise<FrameSocket> {
  const server = createServer({ pauseOnConnect: true });
  const name = `edgecam-${process.pid}-${randomBytes(8).toString('hex')}`;
  // On Linux an abstract name (leading NUL): nothing on disk, gone with the listener.
  const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
  server.listen(path);
  await once(server, 'listening');
  let frame = unfilledBytes(size);
  let filled = 0;
  try {
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const reader = connect({
      path,
      onread: {
        // Each read lands where the frame continues.
        buffer: () => frame.subarray(filled),
        callback: (n: number) => {
          filled += n;
          if (filled < size) return true;
          const done = frame;
          frame = unfilledBytes(size);
          filled = 0;
          return deliver(done);
        },
      },
    });
    // A connection that fails (out of file descriptors, say) rejects rather than waits for ever.
    const failed = once(reader, 'error').then(([err]) => Promise.reject(err as Error));
    const [programEnd] = await Promise.race([accepted, failed]);
    return { programEnd, reader };
  } finally {
    server.close();
    if (!path.startsWith('\0')) await rm(path, { force: true });
  }
}

/**
 * `size` bytes, not zeroed: each frame is read over in full before it is delivered (a partial one
 * is dropped), so zeroing it first was a memset of the whole frame per frame for nothing. A plain
 * Uint8Array over the memory, not the Buffer: a consumer's slice() copies, as it expects.
 */
function unfilledBytes(size: number): Uint8Array {
  const memory = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(memory.buffer, memory.byteOffset, size);
}
