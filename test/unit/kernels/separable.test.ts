import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { conv2d, correlateDirect } from '../../../src/kernels/conv2d.js';
import { planConv } from '../../../src/kernels/geometry.js';
import { createKernel, flippedWeights, separate } from '../../../src/kernels/kernel.js';
import { conv2dSeparable } from '../../../src/kernels/separable.js';
import type { BorderFill, Kernel, Padding } from '../../../src/kernels/types.js';
import { seededRandom } from '../../../src/random.js';
import { expectImageClose, randomImage, referenceConv2d, referenceSizeOk, thrown } from './helpers.js';

const random = seededRandom(424242);
const vector = (n: number) => Array.from({ length: n }, () => random() * 4 - 2);
const outer = (name: string, column: number[], row: number[]): Kernel =>
  createKernel({ name, weights: column.map((c) => row.map((r) => c * r)) });

const FACTORS = [
  { column: vector(3), row: vector(3) },
  { column: vector(2), row: vector(3) },
  { column: vector(5), row: vector(3) },
  { column: vector(3), row: vector(5) },
];
const IMAGES: Image[] = [
  randomImage(random, 7, 5, 1),
  randomImage(random, 6, 8, 3),
  randomImage(random, 10, 7, 2, 'float32'),
];
const PADDINGS: Padding[] = ['valid', 'same', 'full', 2];
const BORDERS: BorderFill[] = ['zero', 'edge', 'reflect'];

/** The 2-D path on its own, whatever conv2d would pick. */
function direct(img: Image, k: Kernel, options: Parameters<typeof conv2d>[2] & object): Image<Float32Array> {
  const g = planConv(img, k, options);
  const data = new Float32Array(g.outWidth * g.outHeight * g.outChannels);
  correlateDirect(img.data, options.mode === 'correlate' ? k.weights : flippedWeights(k), g, data);
  return { width: g.outWidth, height: g.outHeight, channels: g.outChannels, data };
}

describe('separable == 2-D for every mode, padding, border and stride', () => {
  for (const { column, row } of FACTORS) {
    const kernel = outer(`${column.length}x${row.length}`, column, row);
    it(`rank-1 kernel ${row.length} wide x ${column.length} high`, () => {
      expect(separate(kernel)).toBeDefined();
      let compared = 0;
      for (const img of IMAGES) {
        for (const mode of ['convolve', 'correlate'] as const) {
          for (const padding of PADDINGS) {
            for (const border of BORDERS) {
              for (const stride of [1, 2, 3]) {
                const options = { mode, padding, border, stride };
                const label = `${img.width}x${img.height}x${img.channels} ${JSON.stringify(options)}`;
                if (
                  !(
                    referenceSizeOk(img.width, row.length, padding, stride) &&
                    referenceSizeOk(img.height, column.length, padding, stride)
                  )
                ) {
                  expect(thrown(() => conv2dSeparable(img, column, row, options)).code, label).toBe(
                    'EDGECAM_ERR_OUTPUT_SIZE',
                  );
                  continue;
                }
                const expected = referenceConv2d(img, kernel, options);
                const twoD = direct(img, kernel, options);
                expectImageClose(twoD, expected, `2-D ${label}`);
                expectImageClose(conv2dSeparable(img, column, row, options), twoD, `separable ${label}`);
                expectImageClose(conv2d(img, kernel, options), twoD, `conv2d ${label}`);
                compared++;
              }
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(50);
    });
  }

  it('reuses a given out and gives the same result on a second call (the scratch is reset)', () => {
    const img = randomImage(seededRandom(5), 9, 7, 1);
    const { column, row } = FACTORS[0]!;
    const out: Image<Float32Array> = {
      width: 9,
      height: 7,
      channels: 1,
      data: new Float32Array(63).fill(-3),
    };
    expect(conv2dSeparable(img, column, row, { border: 'edge' }, out)).toBe(out);
    const first = Float32Array.from(out.data);
    // A larger frame in between grows the shared scratch; the result must not change.
    conv2dSeparable(randomImage(seededRandom(6), 20, 20, 3), column, row);
    conv2dSeparable(img, column, row, { border: 'edge' }, out);
    expect(out.data).toEqual(first);
  });

  it('rejects empty or non-finite factors', () => {
    const img = randomImage(seededRandom(1), 4, 4, 1);
    expect(thrown(() => conv2dSeparable(img, [], [1])).code).toBe('EDGECAM_ERR_KERNEL');
    expect(thrown(() => conv2dSeparable(img, [1, Number.NaN, 1], [1, 1, 1])).message).toMatch(/index 1.*NaN/);
  });
});
