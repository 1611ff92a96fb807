import { pino } from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LiveImages } from '../../../src/daemon/live-images.js';
import { Tasks } from '../../../src/daemon/tasks.js';
import type { Frame } from '../../../src/frame.js';
import { ManualClock } from '../time/manual-clock.js';

const frame = (seq: number, shade = 40): Frame => ({
  width: 16,
  height: 12,
  channels: 3,
  data: new Uint8Array(16 * 12 * 3).fill(shade),
  seq,
  timestamp: seq * 100,
  source: 'cam',
});
const edgeMap = { width: 16, height: 12, channels: 1 as const, data: new Uint8Array(16 * 12).fill(200) };

function setup() {
  const clock = new ManualClock();
  const tasks = new Tasks(pino({ level: 'silent' }));
  return { clock, tasks, live: new LiveImages(clock, tasks) };
}

describe('LiveImages', () => {
  it('encodes nothing while nobody asks', async () => {
    const { clock, tasks, live } = setup();
    for (let i = 0; i < 20; i++) {
      live.frame(frame(i), []);
      await clock.advance(300);
    }
    await tasks.idle();
    expect(live.wantsEdges()).toBe(false);
    expect(live.edgesPng()).toBeUndefined(); // this request is the first: it has one made
    expect(live.wantsEdges()).toBe(true);
  });

  it('encodes one frame per request, from the next frame, and answers with the latest encoded', async () => {
    const { clock, tasks, live } = setup();
    live.frame(frame(1, 10), []);
    expect(live.frameJpeg()).toBeUndefined(); // nothing encoded yet: the frame at hand is encoded now
    await tasks.idle();
    const first = live.frameJpeg();
    expect(first).toBeDefined();
    expect((await sharp(first!).metadata()).width).toBe(16);
    // That request asked for a fresh one: the next frame (after the 250 ms floor) is encoded, once.
    await clock.advance(300);
    live.frame(frame(2, 200), []);
    await tasks.idle();
    live.frame(frame(3, 90), []); // not asked for since: not encoded
    await tasks.idle();
    const second = live.frameJpeg()!;
    expect(second).not.toBe(first);
    const { data } = await sharp(second).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150); // frame 2's shade, not frame 3's
  });

  it('wants one edge map per request, at most 4 a second', async () => {
    const { clock, tasks, live } = setup();
    live.edgesPng();
    expect(live.wantsEdges()).toBe(true);
    live.edges(edgeMap);
    expect(live.wantsEdges()).toBe(false); // encoding, and the request is served
    await tasks.idle();
    await clock.advance(1000);
    expect(live.wantsEdges()).toBe(false); // nobody asked again
    expect(live.edgesPng()).toBeDefined();
    live.edges(edgeMap);
    await tasks.idle();
    live.edgesPng();
    expect(live.wantsEdges()).toBe(false); // asked within 250 ms of the last encode
    await clock.advance(250);
    expect(live.wantsEdges()).toBe(true);
  });

  it("reports the detections drawn on the frame it answers with, not a later frame's", async () => {
    const { clock, tasks, live } = setup();
    const stop = { label: 'stop', classId: 0, score: 0.9, box: { x: 0.1, y: 0.1, w: 0.5, h: 0.5 } };
    const park = { label: 'parking', classId: 8, score: 0.8, box: { x: 0.2, y: 0.2, w: 0.3, h: 0.3 } };
    expect(live.shownDetections()).toBeUndefined();
    live.frame(frame(1), [stop]);
    live.frameJpeg();
    await tasks.idle();
    live.frame(frame(2), [park]); // within 250 ms of the encode: not encoded
    await tasks.idle();
    expect(live.shownDetections()).toEqual([stop]);
    await clock.advance(300);
    live.frameJpeg(); // the page asks again: the next frame is encoded
    live.frame(frame(3), [park]);
    await tasks.idle();
    expect(live.shownDetections()).toEqual([park]);
  });
});
