import { describe, expect, it } from 'vitest';
import {
  box,
  defaultSigma,
  gaussian,
  gaussian1d,
  kernelNames,
  kernels,
  resolveKernel,
} from '../../../src/kernels/library.js';
import { thrown } from './helpers.js';

const MATRICES: Record<string, number[][]> = {
  identity: [
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ],
  sharpen: [
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ],
  outline: [
    [-1, -1, -1],
    [-1, 8, -1],
    [-1, -1, -1],
  ],
  laplacian: [
    [0, -1, 0],
    [-1, 4, -1],
    [0, -1, 0],
  ],
  'sobel-left': [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
  'sobel-right': [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  'sobel-top': [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
  'sobel-bottom': [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
  'horizontal-edge': [
    [-1, -1, -1],
    [0, 0, 0],
    [1, 1, 1],
  ],
  emboss: [
    [-2, -1, 0],
    [-1, 1, 1],
    [0, 1, 2],
  ],
};

/** exp(-(i-c)^2 / (2 sigma^2)) normalised, computed here independently of the library. */
function sampled(size: number, sigma: number): number[] {
  const c = (size - 1) / 2;
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma ** 2)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

describe('the kernel library', () => {
  it('holds the named kernels in list order, with kebab-case names and descriptions', () => {
    expect(kernelNames()).toEqual([
      'identity',
      'box3',
      'gaussian5',
      'gaussian11',
      'sharpen',
      'outline',
      'laplacian',
      'sobel-left',
      'sobel-right',
      'sobel-top',
      'sobel-bottom',
      'horizontal-edge',
      'emboss',
    ]);
    for (const k of kernels) {
      expect(k.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(k.description.length, k.name).toBeGreaterThan(10);
    }
    expect(Object.isFrozen(kernels)).toBe(true);
  });

  it('has the standard matrices', () => {
    for (const [name, rows] of Object.entries(MATRICES)) {
      const k = resolveKernel(name);
      expect([k.width, k.height, k.depth], name).toEqual([3, 3, 1]);
      expect(Array.from(k.weights), name).toEqual(rows.flat());
    }
  });

  it('matches seed 003 Laplace construction for outline: all -1, centre size*size - 1', () => {
    const size = 3;
    const expected = Array.from({ length: size * size }, (_, i) =>
      i === (size * size - 1) / 2 ? size * size - 1 : -1,
    );
    expect(Array.from(resolveKernel('outline').weights)).toEqual(expected);
  });

  it('states the orientation of each directional kernel in both modes', () => {
    for (const name of [
      'sobel-left',
      'sobel-right',
      'sobel-top',
      'sobel-bottom',
      'horizontal-edge',
      'emboss',
    ]) {
      const { description } = resolveKernel(name);
      expect(description, name).toMatch(/convolve/);
      expect(description, name).toMatch(/correlate/);
    }
  });
});

describe('Gaussian kernels (seed 001)', () => {
  it("uses OpenCV's default sigma: 1.1 for 5 and 2.0 for 11", () => {
    expect(defaultSigma(5)).toBeCloseTo(1.1, 12);
    expect(defaultSigma(11)).toBeCloseTo(2.0, 12);
    expect(defaultSigma(3)).toBeCloseTo(0.8, 12);
  });

  it('samples a 1-D Gaussian normalised to sum 1', () => {
    const g = gaussian1d(5, 1.1);
    const expected = sampled(5, 1.1);
    for (let i = 0; i < 5; i++) expect(g[i]).toBeCloseTo(expected[i]!, 7);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('builds the 2-D kernel as the outer product, summing to 1', () => {
    for (const [name, size, sigma] of [
      ['gaussian5', 5, 1.1],
      ['gaussian11', 11, 2.0],
    ] as const) {
      const k = resolveKernel(name);
      const g = sampled(size, sigma);
      expect([k.width, k.height]).toEqual([size, size]);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) expect(k.weights[y * size + x]).toBeCloseTo(g[y]! * g[x]!, 7);
      }
      expect(k.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // Largest at the centre, symmetric.
      expect(Math.max(...k.weights)).toBe(k.weights[(size * size - 1) / 2]);
      expect(k.weights[0]).toBe(k.weights[size * size - 1]);
    }
  });

  it('resolves gaussian<N> and gaussian<N>:<sigma>', () => {
    const seven = resolveKernel('gaussian7');
    expect(seven.name).toBe('gaussian7');
    expect(seven.weights).toEqual(gaussian(7, defaultSigma(7)).weights);
    const custom = resolveKernel('gaussian7:1.5');
    expect(custom.name).toBe('gaussian7:1.5');
    expect(custom.weights).toEqual(gaussian(7, 1.5).weights);
    expect(custom.weights).not.toEqual(seven.weights);
    expect(resolveKernel('gaussian5')).toBe(kernels[2]);
  });

  it('rejects even sizes and bad sigmas', () => {
    const even = thrown(() => resolveKernel('gaussian4'));
    expect(even.code).toBe('EDGECAM_ERR_KERNEL');
    expect(even.message).toMatch(/odd integer.*received 4.*gaussian3 or gaussian5/);
    expect(thrown(() => resolveKernel('gaussian5:0')).message).toMatch(/sigma.*'0'/);
    expect(thrown(() => resolveKernel('gaussian5:abc')).message).toMatch(/sigma.*'abc'/);
    expect(thrown(() => resolveKernel('gaussian5:')).code).toBe('EDGECAM_ERR_KERNEL');
    expect(thrown(() => gaussian1d(5, -1)).message).toMatch(/sigma.*-1/);
  });
});

describe('box kernels', () => {
  it('is the N x N mean', () => {
    const k = box(5);
    expect([k.width, k.height, k.name]).toEqual([5, 5, 'box5']);
    for (const w of k.weights) expect(w).toBeCloseTo(1 / 25, 7);
    expect(resolveKernel('box5').weights).toEqual(k.weights);
    expect(resolveKernel('box1').weights).toEqual(new Float32Array([1]));
  });

  it('rejects even and non-positive sizes', () => {
    expect(thrown(() => resolveKernel('box4')).message).toMatch(/odd integer.*received 4.*box3 or box5/);
    expect(thrown(() => box(0)).code).toBe('EDGECAM_ERR_KERNEL');
    expect(thrown(() => box(2.5)).code).toBe('EDGECAM_ERR_KERNEL');
  });
});

describe('resolveKernel', () => {
  it('ignores case and surrounding spaces', () => {
    expect(resolveKernel(' Sobel-Left ')).toBe(resolveKernel('sobel-left'));
  });

  it('suggests the nearest name for a typo and lists the known names', () => {
    const err = thrown(() => resolveKernel('sobel-lft'));
    expect(err.code).toBe('EDGECAM_ERR_KERNEL_UNKNOWN');
    expect(err.message).toMatch(/Unknown kernel 'sobel-lft': did you mean 'sobel-left'\?/);
    expect(err.message).toMatch(/identity, box3, gaussian5/);
    expect(err.message).toMatch(/gaussian<N>:<sigma>/);
    expect(thrown(() => resolveKernel('gausian5')).message).toMatch(/did you mean 'gaussian5'/);
  });

  it('makes no suggestion for a name nothing like any kernel', () => {
    const err = thrown(() => resolveKernel('zzzzzzzzzzzz'));
    expect(err.code).toBe('EDGECAM_ERR_KERNEL_UNKNOWN');
    expect(err.message).not.toMatch(/did you mean/);
  });
});
