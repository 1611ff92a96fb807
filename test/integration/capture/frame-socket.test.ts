import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startProcess } from '../../../src/capture/child.js';
import { connectFrameSocket } from '../../../src/capture/frame-socket.js';

// A program that writes `frames` frames of `size` bytes to its stdout, byte k of frame f being
// (f * 7 + k) & 255, then half a frame more, in writes of 5,000 bytes (frames straddle them).
const writer = (size: number, frames: number) => `
const size = ${size}, frames = ${frames};
const all = Buffer.alloc(size * frames + size / 2);
for (let f = 0; f * size < all.length; f++)
  for (let k = 0; k < size && f * size + k < all.length; k++) all[f * size + k] = (f * 7 + k) & 255;
let at = 0;
const next = () => { while (at < all.length) { const ok = process.stdout.write(all.subarray(at, at += 5000)); if (!ok) return process.stdout.once('drain', next); } };
next();
`;

const expected = (size: number, f: number) => Uint8Array.from({ length: size }, (_, k) => (f * 7 + k) & 255);

describe('frame socket', () => {
  it("cuts a program's stdout into whole frames, each a new array, and drops a partial one at the end", async () => {
    const size = 150_000; // more than one read's worth
    const frames: Uint8Array[] = [];
    const socket = await connectFrameSocket(size, (frame) => {
      frames.push(frame);
      return true;
    });
    const child = startProcess(process.execPath, ['-e', writer(size, 3)], { stdout: socket.programEnd });
    socket.programEnd.destroy();
    expect(child.stdout).toBeNull();
    await once(socket.reader, 'close');
    await child.stop();
    expect(frames).toHaveLength(3);
    for (const [f, frame] of frames.entries()) expect(frame).toEqual(expected(size, f));
    expect(new Set(frames.map((f) => f.buffer)).size).toBe(3);
  });

  it('pauses after a frame its consumer has not taken, until resumed', async () => {
    const size = 80_000;
    const frames: Uint8Array[] = [];
    let taking = false;
    const socket = await connectFrameSocket(size, (frame) => {
      frames.push(frame);
      return taking;
    });
    const child = startProcess(process.execPath, ['-e', writer(size, 4)], { stdout: socket.programEnd });
    socket.programEnd.destroy();
    // The first frame arrives whenever the program gets going (later on a busy machine).
    while (frames.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The program writes on until the socket is full, then waits: nothing more arrives here. The
    // pause is the chance a reader that did not stop would have to read on; a reader that stops
    // passes however long it is.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(frames).toHaveLength(1);
    taking = true;
    socket.reader.resume();
    await once(socket.reader, 'close');
    await child.stop();
    expect(frames.map((frame) => frame[0])).toEqual([0, 7, 14, 21]);
    expect(frames[3]).toEqual(expected(size, 3));
  });
});
