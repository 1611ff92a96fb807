import { describe, expect, it } from 'vitest';
import {
  checkKernel,
  createKernel,
  flipKernel,
  formatKernel,
  isSeparable,
  kernelSum,
  separate,
} from '../../../src/kernels/kernel.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import type { Kernel } from '../../../src/kernels/types.js';
import { thrown } from './helpers.js';

describe('createKernel', () => {
  it('reads rows as height x width, row-major', () => {
    const k = createKernel({
      name: 'wide',
      weights: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    });
    expect([k.width, k.height, k.depth]).toEqual([3, 2, 1]);
    expect(Array.from(k.weights)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(k.description).toBe('custom 3x2 kernel');
    expect(Object.isFrozen(k)).toBe(true);
  });

  it('reads [y][x][d] cuboids with depth innermost', () => {
    const k = createKernel({
      name: 'cube',
      description: 'two slices',
      weights: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    });
    expect([k.width, k.height, k.depth]).toEqual([2, 1, 2]);
    expect(Array.from(k.weights)).toEqual([1, 2, 3, 4]);
    expect(k.description).toBe('two slices');
  });

  it('takes flat Float32 weights with sizes, and copies them', () => {
    const flat = new Float32Array([1, 2, 3, 4, 5, 6]);
    const k = createKernel({ name: 'flat', weights: flat, width: 3, height: 1, depth: 2 });
    expect([k.width, k.height, k.depth]).toEqual([3, 1, 2]);
    flat[0] = 99;
    expect(k.weights[0]).toBe(1);
  });

  it('normalizes to sum 1 on request', () => {
    const k = createKernel({ name: 'n', weights: [[1, 2, 1]], normalize: true });
    expect(Array.from(k.weights)).toEqual([0.25, 0.5, 0.25]);
    expect(kernelSum(k)).toBeCloseTo(1, 7);
  });

  it('rejects an empty kernel, naming it', () => {
    const err = thrown(() => createKernel({ name: 'empty', weights: [] }));
    expect(err.code).toBe('EDGECAM_ERR_KERNEL');
    expect(err.message).toMatch(/'empty'.*non-empty/);
    expect(thrown(() => createKernel({ name: 'e', weights: [[]] })).message).toMatch(/row 0/);
  });

  it('rejects ragged rows, naming the row and both lengths', () => {
    const err = thrown(() =>
      createKernel({
        name: 'ragged',
        weights: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8],
        ],
      }),
    );
    expect(err.code).toBe('EDGECAM_ERR_KERNEL');
    expect(err.message).toMatch(/3 values/);
    expect(err.message).toMatch(/row 2 has 2/);
  });

  it('rejects NaN, Infinity and non-numbers, naming row and column', () => {
    const nan = thrown(() =>
      createKernel({
        name: 'bad',
        weights: [
          [1, 2],
          [3, Number.NaN],
        ],
      }),
    );
    expect(nan.code).toBe('EDGECAM_ERR_KERNEL');
    expect(nan.message).toMatch(/row 1, column 1 but received NaN/);
    expect(
      thrown(() => createKernel({ name: 'inf', weights: [[Number.POSITIVE_INFINITY]] })).message,
    ).toMatch(/Infinity/);
    const text = thrown(() => createKernel({ name: 's', weights: [[1, '2' as unknown as number]] }));
    expect(text.message).toMatch(/row 0, column 1 but received '2'/);
    const flat = thrown(() =>
      createKernel({ name: 'f', weights: new Float32Array([1, Number.NaN]), width: 2, height: 1 }),
    );
    expect(flat.message).toMatch(/row 0, column 1/);
  });

  it('rejects bad sizes for flat weights and sizes that contradict the rows', () => {
    expect(thrown(() => createKernel({ name: 'f', weights: new Float32Array(4), width: 2 })).message).toMatch(
      /height/,
    );
    expect(
      thrown(() => createKernel({ name: 'f', weights: new Float32Array(4), width: 2, height: 3 })).message,
    ).toMatch(/Expected 6 weights .* received 4/);
    expect(
      thrown(() => createKernel({ name: 'f', weights: new Float32Array(4), width: 0, height: 3 })).message,
    ).toMatch(/positive integer .* width but received 0/);
    expect(thrown(() => createKernel({ name: 'r', weights: [[1, 2]], width: 3 })).message).toMatch(
      /width 3.*width 2/,
    );
  });

  it('rejects ragged cuboids and a missing name', () => {
    expect(thrown(() => createKernel({ name: 'c', weights: [[[1, 2], [3]]] })).message).toMatch(/\[0\]\[1\]/);
    expect(thrown(() => createKernel({ name: '', weights: [[1]] })).message).toMatch(/kernel name/);
  });

  it('rejects normalizing a kernel whose weights sum to 0', () => {
    const err = thrown(() => createKernel({ name: 'edge', weights: [[1, 0, -1]], normalize: true }));
    expect(err.code).toBe('EDGECAM_ERR_KERNEL');
    expect(err.message).toMatch(/sum to 0/);
  });
});

describe('flipKernel', () => {
  it('rotates 180 degrees in x and y and leaves depth order alone', () => {
    const k = createKernel({
      name: 'k',
      weights: [
        [
          [1, 10],
          [2, 20],
          [3, 30],
        ],
        [
          [4, 40],
          [5, 50],
          [6, 60],
        ],
      ],
    });
    const f = flipKernel(k);
    expect(Array.from(f.weights)).toEqual([6, 60, 5, 50, 4, 40, 3, 30, 2, 20, 1, 10]);
    expect([f.width, f.height, f.depth]).toEqual([3, 2, 2]);
    expect(f.name).toBe('k-flipped');
    expect(Array.from(flipKernel(f).weights)).toEqual(Array.from(k.weights));
  });

  it('turns sobel-left into sobel-right', () => {
    expect(flipKernel(resolveKernel('sobel-left')).weights).toEqual(resolveKernel('sobel-right').weights);
  });
});

describe('separate and isSeparable', () => {
  it('factors Sobel exactly', () => {
    const f = separate(resolveKernel('sobel-left'))!;
    expect(Array.from(f.column)).toEqual([1, 2, 1]);
    expect(Array.from(f.row)).toEqual([1, 0, -1]);
  });

  it('finds the library blurs and Sobels rank 1, and the Laplacians, sharpen and emboss not', () => {
    for (const name of [
      'box3',
      'gaussian5',
      'gaussian11',
      'identity',
      'sobel-top',
      'horizontal-edge',
      'box7',
    ]) {
      expect(isSeparable(resolveKernel(name)), name).toBe(true);
    }
    for (const name of ['outline', 'laplacian', 'sharpen', 'emboss']) {
      expect(isSeparable(resolveKernel(name)), name).toBe(false);
    }
  });

  it('reproduces the kernel from its factors', () => {
    const k = resolveKernel('gaussian7:1.3');
    const { column, row } = separate(k)!;
    for (let y = 0; y < k.height; y++) {
      for (let x = 0; x < k.width; x++) {
        expect(column[y]! * row[x]!).toBeCloseTo(k.weights[y * k.width + x]!, 7);
      }
    }
  });

  it('rejects a nearly rank-1 kernel beyond the tolerance, zero kernels and 3-D kernels', () => {
    expect(
      separate(
        createKernel({
          name: 'near',
          weights: [
            [1, 2],
            [2, 4.001],
          ],
        }),
      ),
    ).toBeUndefined();
    expect(
      separate(
        createKernel({
          name: 'near',
          weights: [
            [1, 2],
            [2, 4.000001],
          ],
        }),
      ),
    ).toBeDefined();
    expect(
      separate(
        createKernel({
          name: 'zero',
          weights: [
            [0, 0],
            [0, 0],
          ],
        }),
      ),
    ).toBeUndefined();
    expect(separate(createKernel({ name: 'cube', weights: [[[1, 1]]] }))).toBeUndefined();
  });
});

describe('kernelSum', () => {
  it('is 1 for blurs and sharpen, 0 for edge detectors', () => {
    expect(kernelSum(resolveKernel('sharpen'))).toBe(1);
    expect(kernelSum(resolveKernel('outline'))).toBe(0);
    expect(kernelSum(resolveKernel('gaussian5'))).toBeCloseTo(1, 6);
  });
});

describe('formatKernel', () => {
  it('right-aligns the matrix', () => {
    expect(formatKernel(resolveKernel('sobel-left'))).toBe(' 1  0 -1\n 2  0 -2\n 1  0 -1');
    expect(formatKernel(resolveKernel('box3')).split('\n')[0]).toBe('0.1111 0.1111 0.1111');
  });

  it('prints each depth slice of a 3-D kernel', () => {
    const k = createKernel({
      name: 'cube',
      weights: [
        [
          [1, -1],
          [2, -2],
        ],
      ],
    });
    expect(formatKernel(k)).toBe('d=0:\n 1  2\nd=1:\n-1 -2');
  });
});

describe('checkKernel', () => {
  it('rejects hand-made objects with the wrong weights', () => {
    const fake = {
      name: 'fake',
      description: '',
      width: 3,
      height: 3,
      depth: 1,
      weights: new Float32Array(8),
    };
    expect(thrown(() => checkKernel(fake as Kernel)).message).toMatch(/9 values/);
    const sizes = { ...fake, width: 0 };
    expect(thrown(() => checkKernel(sizes as Kernel)).code).toBe('EDGECAM_ERR_KERNEL');
  });
});
