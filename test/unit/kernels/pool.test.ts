import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { avgPool2d, maxPool2d } from '../../../src/kernels/pool.js';
import { grayImage, rowsOf, thrown } from './helpers.js';

const FOUR = grayImage([
  [1, 3, 2, 0],
  [5, -4, 1, 7],
  [0, 0, -1, -2],
  [2, 8, -3, -4],
]);

describe('maxPool2d', () => {
  it('keeps the largest value of each 2x2 window (seed 002)', () => {
    expect(rowsOf(maxPool2d(FOUR, { size: 2 }))).toEqual([
      [5, 7],
      [8, -1],
    ]);
  });

  it('overlaps windows with a smaller stride', () => {
    expect(rowsOf(maxPool2d(FOUR, { size: 2, stride: 1 }))).toEqual([
      [5, 3, 7],
      [5, 1, 7],
      [8, 8, -1],
    ]);
  });

  it('pools each channel on its own', () => {
    const rgb: Image<Uint8Array> = {
      width: 2,
      height: 2,
      channels: 3,
      data: new Uint8Array([1, 20, 9, 4, 10, 9, 3, 30, 9, 2, 40, 9]),
    };
    expect(Array.from(maxPool2d(rgb, { size: 2 }).data)).toEqual([4, 40, 9]);
    expect(Array.from(avgPool2d(rgb, { size: 2 }).data)).toEqual([2.5, 25, 9]);
  });

  it('rejects a window and stride that do not tile the input, naming I, F, P, S', () => {
    const five = grayImage(Array.from({ length: 5 }, () => [1, 2, 3, 4, 5]));
    const err = thrown(() => maxPool2d(five, { size: 2 }));
    expect(err.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(err.message).toMatch(/I=5, F=2, P=0, S=2/);
    expect(thrown(() => maxPool2d(FOUR, { size: 0 })).code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(thrown(() => maxPool2d(FOUR, { size: 5 })).code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
  });
});

describe('avgPool2d', () => {
  it('averages each window', () => {
    expect(rowsOf(avgPool2d(FOUR, { size: 2 }))).toEqual([
      [1.25, 2.5],
      [2.5, -2.5],
    ]);
  });

  it('writes into a given out and rejects a wrong one', () => {
    const out: Image<Float32Array> = { width: 2, height: 2, channels: 1, data: new Float32Array(4) };
    expect(avgPool2d(FOUR, { size: 2 }, out)).toBe(out);
    expect(Array.from(out.data)).toEqual([1.25, 2.5, 2.5, -2.5]);
    const wrong: Image<Float32Array> = { width: 3, height: 2, channels: 1, data: new Float32Array(6) };
    expect(thrown(() => avgPool2d(FOUR, { size: 2 }, wrong)).message).toMatch(/2x2x1/);
  });
});
