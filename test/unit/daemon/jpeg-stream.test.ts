import { pino } from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JpegStream } from '../../../src/daemon/jpeg-stream.js';
import { Tasks } from '../../../src/daemon/tasks.js';
import type { Detection } from '../../../src/detection.js';
import type { Frame } from '../../../src/frame.js';
import { ManualClock } from '../time/manual-clock.js';

const frame = (seq: number, width = 32, height = 24): Frame => ({
  width,
  height,
  channels: 3,
  data: new Uint8Array(width * height * 3).fill(40),
  seq,
  timestamp: seq * 100,
  source: 'cam',
});
const stop: Detection[] = [
  { label: 'stop', classId: 0, score: 0.9, box: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 } },
];

function client() {
  const frames: { jpeg: Buffer; seq: number }[] = [];
  let ended = false;
  return {
    frames,
    get hasEnded() {
      return ended;
    },
    frame: (jpeg: Buffer, seq: number) => frames.push({ jpeg, seq }),
    ended: () => {
      ended = true;
    },
  };
}

function setup(variant: 'annotated' | 'raw' = 'annotated') {
  const clock = new ManualClock();
  const tasks = new Tasks(pino({ level: 'silent' }));
  let encodes = 0;
  const stream = new JpegStream(variant, clock, tasks, () => encodes++);
  return { clock, tasks, stream, encodes: () => encodes };
}

/** Frames every 100 ms (a 10 fps camera), each encode finished before the next frame. */
async function play(s: ReturnType<typeof setup>, from: number, count: number, detections: Detection[] = []) {
  for (let seq = from; seq < from + count; seq++) {
    s.stream.frame(frame(seq, 160, 120), detections);
    await s.tasks.idle();
    await s.clock.advance(100);
  }
}

describe('JpegStream', () => {
  it('encodes nothing while nobody watches, nor after the last client leaves', async () => {
    const s = setup();
    await play(s, 0, 5);
    expect(s.encodes()).toBe(0);
    const a = client();
    const leave = s.stream.watch(10, a);
    await play(s, 5, 3);
    expect(s.encodes()).toBe(3);
    leave();
    await play(s, 8, 5);
    expect(s.encodes()).toBe(3);
    expect(s.stream.watchers).toBe(0);
  });

  it('encodes each frame once for three clients at the same fps, and hands each the same JPEG', async () => {
    const s = setup();
    const clients = [client(), client(), client()];
    for (const c of clients) s.stream.watch(10, c);
    await play(s, 0, 6);
    expect(s.encodes()).toBe(6);
    for (const c of clients) expect(c.frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 0; i < 6; i++) {
      expect(clients[1]!.frames[i]!.jpeg).toBe(clients[0]!.frames[i]!.jpeg);
      expect(clients[2]!.frames[i]!.jpeg).toBe(clients[0]!.frames[i]!.jpeg);
    }
    const { width, height, format } = await sharp(clients[0]!.frames[0]!.jpeg).metadata();
    expect({ width, height, format }).toEqual({ width: 160, height: 120, format: 'jpeg' });
  });

  it('caps each client at its fps, and a client joining late falls into step with the others', async () => {
    const s = setup();
    const fast = client();
    const slow = client();
    s.stream.watch(10, fast);
    s.stream.watch(2.5, slow); // every 4th frame of a 10 fps camera (taken with the fast one's, up to half an interval early)
    await play(s, 0, 3);
    const late = client();
    s.stream.watch(10, late); // 300 ms in, out of step with nobody: the next frame is its first
    await play(s, 3, 9);
    expect(fast.frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(slow.frames.map((f) => f.seq)).toEqual([0, 3, 7, 11]);
    expect(late.frames.map((f) => f.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(s.encodes()).toBe(12);
  });

  it('skips a frame that comes while the last encode is in flight', async () => {
    const s = setup();
    const a = client();
    s.stream.watch(1000, a);
    s.stream.frame(frame(0), []);
    s.stream.frame(frame(1), []); // the encode of 0 has not finished
    await s.tasks.idle();
    expect(a.frames.map((f) => f.seq)).toEqual([0]);
    expect(s.encodes()).toBe(1);
  });

  it('draws the detections on the annotated picture and not on the raw one', async () => {
    const pictures: Record<string, Buffer> = {};
    for (const variant of ['annotated', 'raw'] as const) {
      const s = setup(variant);
      const a = client();
      s.stream.watch(10, a);
      await play(s, 0, 1, stop);
      pictures[variant] = a.frames[0]!.jpeg;
    }
    // The box's left edge, halfway down: annotate()'s colour for class 0 (#E69F00) versus the gray frame.
    const pixel = async (jpeg: Buffer) => {
      const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      const o = (60 * 160 + 40) * 3;
      return [data[o]!, data[o + 1]!, data[o + 2]!];
    };
    const annotated = await pixel(pictures.annotated!);
    const raw = await pixel(pictures.raw!);
    expect(annotated[0]! - annotated[2]!).toBeGreaterThan(100);
    expect(Math.abs(raw[0]! - raw[2]!)).toBeLessThan(20);
  });

  it('ends every client when the camera stops', async () => {
    const s = setup();
    const a = client();
    s.stream.watch(10, a);
    s.stream.close();
    expect(a.hasEnded).toBe(true);
    expect(s.stream.watchers).toBe(0);
  });
});
