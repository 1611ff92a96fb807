import { describe, expect, it } from 'vitest';
import { relu } from '../../../src/kernels/activation.js';
import { conv2d } from '../../../src/kernels/conv2d.js';
import { createKernel } from '../../../src/kernels/kernel.js';
import { maxPool2d } from '../../../src/kernels/pool.js';
import { grayImage, rowsOf } from './helpers.js';

// Seed 004: the smiley face is white 0, yellow 2, black 9. Its pictures are not in the text, so
// this is a patch written down here: the top-left of the face with the left eye. The 4x4 patch
// is rows/columns 0-3; like the seed ("the filter slid out of our original region ... there are
// still real pixels outside"), the last window reads the real pixels one row below and one
// column right of it, so the input is 5x5 and the valid convolution gives 4x4.
//
//   0 0 0 0 | 0
//   0 0 2 2 | 2
//   0 2 9 2 | 2
//   0 2 2 2 | 9
//   --------+--
//   0 0 2 2   2
//
// Filter (1, 2, 3, -1) as a 2x2 grid [[1, 2], [3, -1]], applied as CNNs do (correlate, no flip):
// out[y][x] = 1*p[y][x] + 2*p[y][x+1] + 3*p[y+1][x] - 1*p[y+1][x+1]
//   y=0: 0+0+0-0=0     0+0+0-2=-2    0+0+6-2=4     0+0+6-2=4
//   y=1: 0+0+0-2=-2    0+4+6-9=1     2+4+27-2=31   2+4+6-2=10
//   y=2: 0+4+0-2=2     2+18+6-2=24   9+4+6-2=17    2+4+6-9=3
//   y=3: 0+4+0-0=4     2+4+0-2=4     2+4+6-2=10    2+18+6-2=24
// ReLU replaces -2 and -2 with 0. 2x2 max pooling:
//   max(0,0,0,1)=1   max(4,4,31,10)=31
//   max(2,24,4,4)=24 max(17,3,10,24)=24
const PATCH = grayImage([
  [0, 0, 0, 0, 0],
  [0, 0, 2, 2, 2],
  [0, 2, 9, 2, 2],
  [0, 2, 2, 2, 9],
  [0, 0, 2, 2, 2],
]);
const FILTER = createKernel({
  name: 'seed004',
  weights: [
    [1, 2],
    [3, -1],
  ],
});

describe('seed 004: convolution, ReLU and max pooling on a smiley patch', () => {
  it('convolves with the 2x2 filter as a CNN does (correlate, valid)', () => {
    expect(rowsOf(conv2d(PATCH, FILTER, { mode: 'correlate', padding: 'valid' }))).toEqual([
      [0, -2, 4, 4],
      [-2, 1, 31, 10],
      [2, 24, 17, 3],
      [4, 4, 10, 24],
    ]);
  });

  it('applies ReLU and 2x2 max pooling to go from 4x4 to 2x2', () => {
    const map = conv2d(PATCH, FILTER, { mode: 'correlate', padding: 'valid' });
    expect(rowsOf(relu(map, map))).toEqual([
      [0, 0, 4, 4],
      [0, 1, 31, 10],
      [2, 24, 17, 3],
      [4, 4, 10, 24],
    ]);
    expect(rowsOf(maxPool2d(map, { size: 2 }))).toEqual([
      [1, 31],
      [24, 24],
    ]);
  });
});
