// The gate of the tracker's re-finding, on hand-worked boxes.
import { describe, expect, it } from 'vitest';
import { reappearDistance } from '../../../../src/pipeline/tracking/reappear.js';

/** A square box by its centre. */
const box = (cx: number, cy: number, size = 0.1) => ({
  x: cx - size / 2,
  y: cy - size / 2,
  w: size,
  h: size,
});

describe('reappearDistance', () => {
  it('measures centres apart in predicted sizes, a reach that grows 10% per missed frame', () => {
    // 0.05 apart, size 0.1, 5 frames missed: reach 0.1 x 1.5 = 0.15, distance 1/3.
    expect(reappearDistance(box(0.5, 0.5), 5, box(0.55, 0.5))).toBeCloseTo(1 / 3, 10);
    // The same offset right after the loss (1 frame): reach 0.11.
    expect(reappearDistance(box(0.5, 0.5), 1, box(0.55, 0.5))).toBeCloseTo(0.05 / 0.11, 10);
  });

  it('adds the size ratio (log) and refuses a box more than 1.5x larger or smaller', () => {
    expect(reappearDistance(box(0.5, 0.5), 1, box(0.5, 0.5, 0.14))).toBeCloseTo(Math.log(1.4), 10);
    expect(reappearDistance(box(0.5, 0.5), 1, box(0.5, 0.5, 0.16))).toBe(-1);
    expect(reappearDistance(box(0.5, 0.5), 1, box(0.5, 0.5, 0.06))).toBe(-1);
  });

  it('refuses a centre beyond the reach', () => {
    // Reach after 10 missed frames: 0.1 x 2 = 0.2.
    expect(reappearDistance(box(0.5, 0.5), 10, box(0.69, 0.5))).toBeGreaterThan(0);
    expect(reappearDistance(box(0.5, 0.5), 10, box(0.71, 0.5))).toBe(-1);
  });
});
