import { describe, expect, it } from 'vitest';
import { annotate, drawDetections } from '../../../src/inference/annotate.js';

const ORANGE = [0xe6, 0x9f, 0x00]; // class 0
const SKY = [0x56, 0xb4, 0xe9]; // class 1

function gray(width: number, height: number, level: number) {
  return { width, height, channels: 1 as const, data: new Uint8Array(width * height).fill(level) };
}

function pixel(image: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [image.data[o]!, image.data[o + 1]!, image.data[o + 2]!];
}

describe('drawDetections', () => {
  it('draws each box in its class colour, centred on the box edges, with a tag above it holding black text', () => {
    const frame = gray(640, 480, 100);
    const before = frame.data.slice();
    // A box from (160, 240) to (320, 360); the stroke is 2 pixels (480 / 200, rounded).
    const out = drawDetections(frame, [
      { label: 'stop', classId: 0, score: 0.9, box: { x: 0.25, y: 0.5, w: 0.25, h: 0.25 } },
    ]);
    expect([out.width, out.height, out.channels]).toEqual([640, 480, 3]);
    expect(frame.data).toEqual(before); // the frame itself is left alone
    for (const [x, y] of [
      [159, 300], // left edge
      [160, 300],
      [319, 300], // right edge
      [320, 300],
      [240, 359], // bottom edge
      [240, 360],
    ] as const) {
      expect(pixel(out, x, y), `${x},${y}`).toEqual(ORANGE);
    }
    for (const [x, y] of [
      [157, 300], // outside
      [162, 300], // inside
      [240, 300],
      [240, 362],
    ] as const) {
      expect(pixel(out, x, y), `${x},${y}`).toEqual([100, 100, 100]);
    }
    // The tag: 9 font rows at 2x plus 2 pixels of padding each side, 22 rows above the box's top stroke.
    const tag: number[][] = [];
    for (let y = 239 - 22; y < 239; y++) for (let x = 159; x < 200; x++) tag.push(pixel(out, x, y));
    const black = tag.filter((p) => p.every((v) => v === 0)).length;
    expect(black).toBeGreaterThan(40); // text pixels
    expect(tag.length - black).toBe(tag.filter((p) => p.join() === ORANGE.join()).length); // the rest is the tag colour
    expect(pixel(out, 170, 239 - 23)).toEqual([100, 100, 100]); // nothing above the tag
  });

  it('tags classifications in the top-left corner, one under another, and clips boxes at the frame edge', () => {
    const out = drawDetections(gray(100, 80, 50), [
      { label: 'day', classId: 0, score: 0.9 },
      { label: 'night', classId: 1, score: 0.1 },
      { label: 'edge', classId: 1, score: 0.5, box: { x: 0.9, y: 0.9, w: 0.5, h: 0.5 } },
    ]);
    // Scale 1 at this size: tags are 9 + 4 rows high.
    expect(pixel(out, 0, 0)).toEqual(ORANGE);
    expect(pixel(out, 0, 13)).toEqual(SKY);
    expect(pixel(out, 89, 75)).toEqual(SKY); // the box's left edge, inside the frame
    expect(pixel(out, 99, 79)).toEqual([50, 50, 50]); // its right and bottom edges fall outside
  });

  it('keeps a tag inside the frame when its box is at the right edge', () => {
    const out = drawDetections(gray(320, 240, 50), [
      { label: 'a-long-label', classId: 0, score: 0.5, box: { x: 0.9, y: 0.5, w: 0.1, h: 0.2 } },
    ]);
    // Scale 1 here: the tag is 13 rows above the box's top stroke (y 119), and at least 60
    // columns wide; shifted left, it ends at the frame's right edge, so its columns from 260 to
    // 319 are all tag colour or text.
    for (let x = 260; x < 320; x++) {
      const p = pixel(out, x, 112).join();
      expect([ORANGE.join(), '0,0,0'], `column ${x}`).toContain(p);
    }
  });

  it('draws characters the font lacks as "?"', () => {
    const draw = (label: string) =>
      drawDetections(gray(64, 48, 0), [
        { label, classId: 2, score: 1, box: { x: 0.2, y: 0.5, w: 0.5, h: 0.4 } },
      ]);
    const drawn = draw('Straße');
    expect(drawn.data.some((v) => v !== 0)).toBe(true);
    expect(drawn.data).toEqual(draw('Stra?e').data);
  });

  it('annotate encodes the drawing', async () => {
    const png = await annotate(gray(32, 24, 9), [{ label: 'x', classId: 0, score: 1 }])
      .png()
      .toBuffer();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
