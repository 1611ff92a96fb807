import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../../../src/inference/manifest.js';
import { frameBox, placeFrame } from '../../../src/inference/placement.js';
import { InputTensor } from '../../../src/inference/tensor.js';

const spec = (over: Partial<InputSpec>): InputSpec => ({
  width: 4,
  height: 4,
  layout: 'NCHW',
  colorOrder: 'RGB',
  dtype: 'float32',
  mean: 0,
  std: 1,
  resize: 'stretch',
  padColor: [114, 114, 114],
  ...over,
});

/** An RGB frame whose pixel (x, y) is (x, y, 7). */
function coords(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { width, height, channels: 3 as const, data };
}

describe('InputTensor', () => {
  it('copies exactly at the same size, in NCHW planes, with scale/mean/std per channel', () => {
    const t = new InputTensor(spec({ scale: 1, mean: [1, 2, 3], std: [1, 2, 7] }));
    t.fill(coords(4, 4));
    expect(t.dims).toEqual([1, 3, 4, 4]);
    expect(t.data[1 * 4 + 2]).toBe(2 - 1); // R plane, (x 2, y 1): (2 - 1) / 1
    expect(t.data[16 + 3 * 4 + 0]).toBe((3 - 2) / 2); // G plane: y = 3
    expect(t.data[32]).toBeCloseTo((7 - 3) / 7, 6); // B plane
  });

  it('swaps to BGR and interleaves for NHWC', () => {
    const t = new InputTensor(spec({ scale: 1, colorOrder: 'BGR', layout: 'NHWC' }));
    t.fill(coords(4, 4));
    expect(t.dims).toEqual([1, 4, 4, 3]);
    expect(Array.from(t.data.subarray((1 * 4 + 2) * 3, (1 * 4 + 2) * 3 + 3))).toEqual([7, 1, 2]);
  });

  it('halves with bilinear sampling at pixel centres (OpenCV INTER_LINEAR)', () => {
    const t = new InputTensor(spec({ scale: 1, width: 2, height: 2 }));
    t.fill(coords(4, 4));
    // Output x 0 samples source x 0.5: the mean of columns 0 and 1.
    expect(Array.from(t.data.subarray(0, 4))).toEqual([0.5, 2.5, 0.5, 2.5]);
  });

  it('letterboxes with the pad colour and reports where the frame landed', () => {
    const t = new InputTensor(spec({ width: 4, height: 4, resize: 'letterbox', scale: 1 }));
    const p = t.fill(coords(4, 2));
    expect([p.contentY0, p.contentY1]).toEqual([1, 3]);
    expect(t.data[0]).toBe(114); // row 0 is padding
    expect(t.data[4 + 3]).toBe(3); // row 1 holds frame row 0: R = x
  });

  it('pads once per frame size, and again when the frame size changes the border', () => {
    const reused = new InputTensor(spec({ width: 8, height: 8, resize: 'letterbox', scale: 1 }));
    reused.fill(coords(8, 4)); // border above and below
    reused.fill(coords(8, 4));
    reused.fill(coords(4, 8)); // border left and right: rows that held content become content again
    const fresh = new InputTensor(spec({ width: 8, height: 8, resize: 'letterbox', scale: 1 }));
    fresh.fill(coords(4, 8));
    expect(Array.from(reused.data)).toEqual(Array.from(fresh.data));
    expect(reused.data[0]).toBe(114); // (0, 0) is border in both sizes
    expect(reused.data[8 * 2]).toBe(114); // (0, 2): content for 8x4, border for 4x8
  });

  it('rounds and clamps for uint8 and int8 inputs instead of wrapping', () => {
    const u8 = new InputTensor(spec({ dtype: 'uint8', scale: 2 }));
    u8.fill({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(200) });
    expect(u8.data[0]).toBe(255);
    const i8 = new InputTensor(spec({ dtype: 'int8', mean: 128 }));
    i8.fill({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(0) });
    expect(i8.data[0]).toBe(-128);
  });

  it('makes gray from RGB with BT.601 luma, and feeds gray frames to every colour channel', () => {
    const gray = new InputTensor(spec({ colorOrder: 'GRAY', scale: 1 }));
    gray.fill({
      width: 4,
      height: 4,
      channels: 3,
      data: new Uint8Array(48).fill(100).map((v, i) => (i % 3 === 0 ? 200 : v)),
    });
    expect(gray.data[0]).toBeCloseTo(0.299 * 200 + 0.701 * 100, 4);
    const rgb = new InputTensor(spec({ scale: 1 }));
    rgb.fill({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(9) });
    expect([rgb.data[0], rgb.data[16], rgb.data[32]]).toEqual([9, 9, 9]);
  });
});

describe('placement', () => {
  it('maps boxes back through letterbox and centre crop', () => {
    const lb = placeFrame(640, 480, { width: 320, height: 320, resize: 'letterbox' });
    expect(lb.contentY0).toBe(40);
    expect(frameBox(lb, { x: 0, y: 40 / 320, w: 1, h: 240 / 320 })).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    const crop = placeFrame(640, 480, { width: 240, height: 240, resize: 'center-crop' });
    const b = frameBox(crop, { x: 0, y: 0, w: 1, h: 1 })!;
    expect(b.x).toBeCloseTo(80 / 640, 9);
    expect(b.w).toBeCloseTo(480 / 640, 9);
    expect(frameBox(lb, { x: 0, y: 0, w: 1, h: 0.1 })).toBeUndefined(); // wholly in the padding
  });
});
