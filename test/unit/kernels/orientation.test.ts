import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { conv2d } from '../../../src/kernels/conv2d.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import type { ConvMode } from '../../../src/kernels/types.js';

// Synthetic 8x8 step edges, 0 (dark) and 100 (bright), the step between index 3 and 4.
type Step = 'brighter-right' | 'brighter-left' | 'brighter-down' | 'brighter-up';
const N = 8;
function step(kind: Step): Image<Float32Array> {
  const data = new Float32Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const bright =
        kind === 'brighter-right'
          ? x >= 4
          : kind === 'brighter-left'
            ? x < 4
            : kind === 'brighter-down'
              ? y >= 4
              : y < 4;
      data[y * N + x] = bright ? 100 : 0;
    }
  }
  return { width: N, height: N, channels: 1, data };
}
const vertical = (kind: Step) => kind === 'brighter-right' || kind === 'brighter-left';
/** The two pixels either side of the step, in the middle of the step's length. */
const stepPixels = (kind: Step) => (vertical(kind) ? [4 * N + 3, 4 * N + 4] : [3 * N + 4, 4 * N + 4]);
const onStep = (kind: Step, i: number) =>
  vertical(kind) ? i % N === 3 || i % N === 4 : ((i / N) | 0) === 3 || ((i / N) | 0) === 4;

const STEPS: Step[] = ['brighter-right', 'brighter-left', 'brighter-down', 'brighter-up'];

// The sign each zero-sum directional kernel gives at a step under `convolve` (the default);
// `correlate` gives the opposite. This is the table in library.ts's descriptions.
const CONVOLVE_SIGNS: Record<string, Record<Step, number>> = {
  'sobel-left': { 'brighter-right': 1, 'brighter-left': -1, 'brighter-down': 0, 'brighter-up': 0 },
  'sobel-right': { 'brighter-right': -1, 'brighter-left': 1, 'brighter-down': 0, 'brighter-up': 0 },
  'sobel-top': { 'brighter-right': 0, 'brighter-left': 0, 'brighter-down': 1, 'brighter-up': -1 },
  'sobel-bottom': { 'brighter-right': 0, 'brighter-left': 0, 'brighter-down': -1, 'brighter-up': 1 },
  'horizontal-edge': { 'brighter-right': 0, 'brighter-left': 0, 'brighter-down': -1, 'brighter-up': 1 },
};

describe('directional kernels on step edges', () => {
  for (const [name, signs] of Object.entries(CONVOLVE_SIGNS)) {
    for (const mode of ['convolve', 'correlate'] as const) {
      it(`${name} under ${mode}`, () => {
        const flip = mode === 'convolve' ? 1 : -1;
        for (const kind of STEPS) {
          const out = conv2d(step(kind), resolveKernel(name), { mode, border: 'edge' });
          for (const i of stepPixels(kind)) {
            expect(Math.sign(out.data[i]!), `${kind} at ${i}`).toBe(signs[kind] * flip || 0);
          }
          // Flat areas give 0: the kernel responds only at the step.
          out.data.forEach((v, i) => {
            if (!onStep(kind, i)) expect(v, `${kind} flat at ${i}`).toBe(0);
          });
        }
      });
    }
  }

  it('sobel-left under convolve is bright where the image gets brighter to the right, +400 for a 0->100 step', () => {
    const out = conv2d(step('brighter-right'), resolveKernel('sobel-left'), { border: 'edge' });
    expect(out.data[4 * N + 3]).toBe(400);
    expect(out.data[4 * N + 4]).toBe(400);
  });

  it('horizontal-edge under correlate (seed 002 by hand) is positive for dark above bright', () => {
    const out = conv2d(step('brighter-down'), resolveKernel('horizontal-edge'), {
      mode: 'correlate',
      border: 'edge',
    });
    expect(out.data[3 * N + 4]).toBe(300);
  });
});

describe('symmetric edge kernels on step edges', () => {
  for (const name of ['outline', 'laplacian']) {
    for (const mode of ['convolve', 'correlate'] as ConvMode[]) {
      it(`${name} under ${mode}: positive on the bright side, negative on the dark side`, () => {
        for (const kind of STEPS) {
          const img = step(kind);
          const out = conv2d(img, resolveKernel(name), { mode, border: 'edge' });
          for (const i of stepPixels(kind)) {
            expect(Math.sign(out.data[i]!), `${kind} at ${i}`).toBe(img.data[i] === 100 ? 1 : -1);
          }
        }
      });
    }
  }
});

describe('emboss on step edges', () => {
  // Deviation from the flat value (emboss sums to 1): convolve raises edges whose upper-left side is bright.
  const RAISED: Record<Step, number> = {
    'brighter-left': 1,
    'brighter-up': 1,
    'brighter-right': -1,
    'brighter-down': -1,
  };
  for (const mode of ['convolve', 'correlate'] as ConvMode[]) {
    it(`under ${mode}`, () => {
      const flip = mode === 'convolve' ? 1 : -1;
      for (const kind of STEPS) {
        const img = step(kind);
        const out = conv2d(img, resolveKernel('emboss'), { mode, border: 'edge' });
        for (const i of stepPixels(kind)) {
          expect(Math.sign(out.data[i]! - img.data[i]!), `${kind} at ${i}`).toBe(RAISED[kind] * flip);
        }
        out.data.forEach((v, i) => {
          if (!onStep(kind, i)) expect(v, `${kind} flat at ${i}`).toBe(img.data[i]);
        });
      }
    });
  }
});
