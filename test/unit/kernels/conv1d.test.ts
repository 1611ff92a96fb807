import { describe, expect, it } from 'vitest';
import { conv1d } from '../../../src/kernels/conv1d.js';
import type { BorderFill, Padding } from '../../../src/kernels/types.js';
import { seededRandom } from '../../../src/random.js';
import { expectArrayClose, padded, referencePadding, referenceSizeOk, thrown } from './helpers.js';

describe('conv1d', () => {
  it("computes seed 001's farmer watering plan with full padding", () => {
    expect(Array.from(conv1d([1, 2, 3, 4, 5], [2, 3, 4], { padding: 'full' }))).toEqual([
      2, 7, 16, 25, 34, 31, 20,
    ]);
  });

  it("computes seed 003's smoothing: the first N values of the full convolution", () => {
    const F = [10, 9, 10, 9, 10, 1, 10, 9, 10, 8];
    const G = [1 / 3, 1 / 3, 1 / 3];
    const full = conv1d(F, G, { padding: 'full' });
    // Seed 003's Python: Y[x] = sum F[i] * G[x - i] over defined terms, for x < N.
    const python = F.map((_, x) => {
      let total = 0;
      for (let i = 0; i <= F.length; i++) {
        if (i < F.length && x - i >= 0 && x - i < G.length) total += F[i]! * G[x - i]!;
      }
      return total;
    });
    expectArrayClose(full.subarray(0, F.length), python, 'seed 003');
    expect(Array.from(full.subarray(0, 4), (v) => Number(v.toFixed(2)))).toEqual([3.33, 6.33, 9.67, 9.33]);
  });

  it("defaults to 'same' and convolve, and correlate does not flip", () => {
    expect(Array.from(conv1d([1, 2, 3, 4, 5], [2, 3, 4]))).toEqual([7, 16, 25, 34, 31]);
    expect(Array.from(conv1d([1, 2, 3, 4, 5], [2, 3, 4], { mode: 'correlate', padding: 'valid' }))).toEqual([
      20, 29, 38,
    ]);
  });

  it('matches the reference formula for every mode, padding, border and stride', () => {
    const r = seededRandom(77);
    const paddings: Padding[] = ['valid', 'same', 'full', 3];
    const borders: BorderFill[] = ['zero', 'edge', 'reflect'];
    let compared = 0;
    for (const length of [1, 2, 7, 10]) {
      const signal = Array.from({ length }, () => r() * 10 - 5);
      for (const F of [1, 2, 3, 4, 5]) {
        const kernel = Array.from({ length: F }, () => r() * 2 - 1);
        for (const mode of ['convolve', 'correlate'] as const) {
          for (const padding of paddings) {
            for (const border of borders) {
              for (const stride of [1, 2, 3]) {
                const options = { mode, padding, border, stride };
                const label = `N=${length} F=${F} ${JSON.stringify(options)}`;
                if (!referenceSizeOk(length, F, padding, stride)) {
                  expect(thrown(() => conv1d(signal, kernel, options)).code, label).toBe(
                    'EDGECAM_ERR_OUTPUT_SIZE',
                  );
                  continue;
                }
                const P = referencePadding(padding, F);
                const line = { width: length, height: 1, channels: 1, data: signal };
                const expected: number[] = [];
                for (let o = 0; o < (length - F + 2 * P) / stride + 1; o++) {
                  let sum = 0;
                  for (let k = 0; k < F; k++) {
                    const w = kernel[mode === 'convolve' ? F - 1 - k : k]!;
                    sum += padded(line, 0, o * stride + k - P, 0, border) * w;
                  }
                  expected.push(sum);
                }
                expectArrayClose(conv1d(signal, kernel, options), expected, label);
                compared++;
              }
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('rejects empty, non-finite and impossible inputs', () => {
    expect(thrown(() => conv1d([], [1])).code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(thrown(() => conv1d([1, 2], [])).code).toBe('EDGECAM_ERR_KERNEL');
    expect(thrown(() => conv1d([1, Number.NaN], [1])).message).toMatch(/index 1.*NaN/);
    expect(thrown(() => conv1d([1, 2, 3], [1, 2])).code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    const stride = thrown(() => conv1d(new Array(10).fill(1), [1, 1, 1], { padding: 'valid', stride: 2 }));
    expect(stride.message).toMatch(/I=10, F=3, P=0, S=2/);
  });
});
