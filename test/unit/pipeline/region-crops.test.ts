import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import { I420Image } from '../../../src/kernels/i420.js';
import { cropImage } from '../../../src/pipeline/crop-image.js';
import { inCrops, mergeCropDetections, planCrops, toFrame } from '../../../src/pipeline/region-crops.js';

const FRAME = { width: 1280, height: 720 };

describe('planCrops', () => {
  it('puts a small region in a square of the model input size, centred on it, on even pixels', () => {
    // 20x20 px at (630, 350): centre (640, 360).
    const crops = planCrops([{ x: 630 / 1280, y: 350 / 720, w: 20 / 1280, h: 20 / 720 }], FRAME, 320);
    expect(crops).toEqual([{ x: 480, y: 200, w: 320, h: 320 }]);
  });

  it('squares a large region to its larger side plus the margin, and shifts a crop at the edge inside the frame', () => {
    const [crop] = planCrops([{ x: 0, y: 0.5, w: 400 / 1280, h: 200 / 720 }], FRAME, 320);
    // 400 px wide + 25% of 400 on each side = 600, square; centred at (100, 460) it would reach
    // past the left and bottom edges, so it is shifted to x = 0 and y = 720 - 600.
    expect(crop).toEqual({ x: 0, y: 120, w: 600, h: 600 });
  });

  it('merges overlapping crops into one square around both, and keeps apart ones apart', () => {
    const a = { x: 100 / 1280, y: 100 / 720, w: 20 / 1280, h: 20 / 720 };
    const b = { x: 300 / 1280, y: 150 / 720, w: 20 / 1280, h: 20 / 720 };
    const far = { x: 1100 / 1280, y: 600 / 720, w: 20 / 1280, h: 20 / 720 };
    const crops = planCrops([a, b, far], FRAME, 320);
    expect(crops).toHaveLength(2);
    for (const c of crops) {
      expect(c.w).toBe(c.h);
      expect((c.x % 2) + (c.y % 2) + (c.w % 2)).toBe(0);
      expect(c.x + c.w).toBeLessThanOrEqual(1280);
      expect(c.y + c.h).toBeLessThanOrEqual(720);
    }
    for (const region of [a, b, far]) {
      const centre = { x: region.x, y: region.y, w: region.w, h: region.h };
      expect(inCrops(centre, crops, FRAME)).toBe(true);
    }
    const [ab, c] = crops[0]!.x < crops[1]!.x ? crops : [crops[1]!, crops[0]!];
    expect(ab!.x).toBeLessThanOrEqual(100);
    expect(ab!.x + ab!.w).toBeGreaterThanOrEqual(320);
    expect(c!.w).toBe(320);
  });

  it('runs the whole frame when the crops would cover most of it, and never crops beyond the frame', () => {
    expect(planCrops([{ x: 0.1, y: 0.1, w: 0.7, h: 0.7 }], FRAME, 320)).toEqual([
      { x: 0, y: 0, w: 1280, h: 720 },
    ]);
    const small = { width: 200, height: 150 };
    expect(planCrops([{ x: 0.4, y: 0.4, w: 0.05, h: 0.05 }], small, 320)).toEqual([
      { x: 0, y: 0, w: 200, h: 150 },
    ]);
  });
});

describe('region crops mapped back', () => {
  it('maps a box normalised to a crop to the frame exactly', () => {
    const crop = { x: 480, y: 200, w: 320, h: 320 };
    // A 32x16 px box at (64, 96) inside the crop is at (544, 296) in the frame.
    const box = toFrame({ x: 64 / 320, y: 96 / 320, w: 32 / 320, h: 16 / 320 }, crop, FRAME);
    expect(box.x * 1280).toBeCloseTo(544, 9);
    expect(box.y * 720).toBeCloseTo(296, 9);
    expect(box.w * 1280).toBeCloseTo(32, 9);
    expect(box.h * 720).toBeCloseTo(16, 9);
  });

  it('reports an object seen in two overlapping crops once, with its better score, and keeps other labels', () => {
    const a = { x: 0, y: 0, w: 400, h: 400 };
    const b = { x: 200, y: 0, w: 400, h: 400 };
    // The same 40x40 px sign at (300, 100): at (100, 100) in b, at (300, 100) in a.
    const inA: Detection = {
      label: 'stop',
      classId: 0,
      score: 0.7,
      box: { x: 300 / 400, y: 0.25, w: 0.1, h: 0.1 },
    };
    const inB: Detection = {
      label: 'stop',
      classId: 0,
      score: 0.9,
      box: { x: 100 / 400, y: 0.25, w: 0.1, h: 0.1 },
    };
    const other: Detection = {
      label: 'yield',
      classId: 1,
      score: 0.6,
      box: { x: 100 / 400, y: 0.25, w: 0.1, h: 0.1 },
    };
    const merged = mergeCropDetections([[inA], [inB, other]], [a, b], FRAME);
    expect(merged.map((d) => [d.label, d.score])).toEqual([
      ['stop', 0.9],
      ['yield', 0.6],
    ]);
    expect(merged[0]!.box!.x * 1280).toBeCloseTo(300, 9);
  });
});

describe('cropImage', () => {
  it('cuts RGB rows, and I420 planes to the same picture without making the frame RGB', () => {
    const W = 8;
    const H = 4;
    const i420 = Uint8Array.from({ length: (W * H * 3) / 2 }, (_, i) => (i * 37) % 251);
    const frame = new I420Image(W, H, i420);
    const crop = { x: 2, y: 2, w: 4, h: 2 };
    const fromPlanes = cropImage(frame, crop);
    expect(fromPlanes.i420).toBeDefined();
    const rgb = { width: W, height: H, channels: 3, data: new I420Image(W, H, i420).data };
    const fromRows = cropImage(rgb, crop);
    expect(fromRows.i420).toBeUndefined();
    expect([...fromPlanes.data]).toEqual([...fromRows.data]);
    expect(cropImage(frame, { x: 0, y: 0, w: W, h: H })).toBe(frame);
  });
});
