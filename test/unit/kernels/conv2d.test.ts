import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { conv2d, conv2dShape, correlateDirect, resolvePadding } from '../../../src/kernels/conv2d.js';
import { planConv } from '../../../src/kernels/geometry.js';
import { createKernel, flippedWeights } from '../../../src/kernels/kernel.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import type { BorderFill, Kernel, Padding } from '../../../src/kernels/types.js';
import { seededRandom } from '../../../src/random.js';
import {
  expectImageClose,
  grayImage,
  randomImage,
  randomRows,
  referenceConv2d,
  referenceSizeOk,
  rowsOf,
  thrown,
} from './helpers.js';

const PADDINGS: { padding: Padding; border: BorderFill }[] = [
  { padding: 'valid', border: 'zero' },
  { padding: 'same', border: 'zero' },
  { padding: 'same', border: 'edge' },
  { padding: 'same', border: 'reflect' },
  { padding: 'full', border: 'zero' },
  { padding: 'full', border: 'reflect' },
  { padding: 2, border: 'zero' },
  { padding: 2, border: 'edge' },
  { padding: 2, border: 'reflect' },
];

// Non-separable random kernels (random weights are rank > 1), so conv2d takes the direct 2-D path;
// separable.test.ts runs the same grid with rank-1 kernels.
const random = seededRandom(20240601);
const KERNELS: Kernel[] = [
  createKernel({ name: 'random3x3', weights: randomRows(random, 3, 3) }),
  createKernel({ name: 'random2x3', weights: randomRows(random, 3, 2) }), // 3 wide, 2 high
  createKernel({ name: 'random1x5', weights: randomRows(random, 5, 1) }), // 5 wide, 1 high
  createKernel({ name: 'random5x1', weights: randomRows(random, 1, 5) }),
  createKernel({ name: 'random3x5', weights: randomRows(random, 3, 5) }),
];
const IMAGES: Image[] = [
  randomImage(random, 7, 5, 1), // odd sizes, gray
  randomImage(random, 6, 8, 3), // even sizes, RGB
  randomImage(random, 10, 7, 3, 'float32'), // I - 1 divisible by 3: 'same' at stride 3
  randomImage(random, 4, 6, 1, 'float32'),
];

describe('conv2d against the reference formula', () => {
  for (const kernel of KERNELS) {
    for (const { padding, border } of PADDINGS) {
      it(`${kernel.name} with padding ${padding} (${border})`, () => {
        let compared = 0;
        for (const img of IMAGES) {
          for (const mode of ['convolve', 'correlate'] as const) {
            for (const stride of [1, 2, 3]) {
              const options = { mode, padding, border, stride };
              const label = `${img.width}x${img.height}x${img.channels} ${JSON.stringify(options)}`;
              const fits =
                referenceSizeOk(img.width, kernel.width, padding, stride) &&
                referenceSizeOk(img.height, kernel.height, padding, stride);
              if (!fits) {
                expect(thrown(() => conv2d(img, kernel, options)).code, label).toBe(
                  'EDGECAM_ERR_OUTPUT_SIZE',
                );
                continue;
              }
              expectImageClose(conv2d(img, kernel, options), referenceConv2d(img, kernel, options), label);
              compared++;
            }
          }
        }
        // 'same' never fits an even kernel size (it is rejected above); everything else fits somewhere.
        const evenSame = padding === 'same' && (kernel.width % 2 === 0 || kernel.height % 2 === 0);
        expect(compared > 0).toBe(!evenSame);
      });
    }
  }

  it('runs every padding kind at strides 2 and 3 somewhere in the grid', () => {
    const seen = new Set<string>();
    for (const kernel of KERNELS) {
      for (const { padding } of PADDINGS) {
        for (const img of IMAGES) {
          for (const stride of [2, 3]) {
            if (
              referenceSizeOk(img.width, kernel.width, padding, stride) &&
              referenceSizeOk(img.height, kernel.height, padding, stride)
            ) {
              seen.add(`${padding}/${stride}`);
            }
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([
      '2/2',
      '2/3',
      'full/2',
      'full/3',
      'same/2',
      'same/3',
      'valid/2',
      'valid/3',
    ]);
  });

  it('uses the defaults convolve, same, zero border, stride 1', () => {
    const img = randomImage(seededRandom(7), 6, 5, 1);
    const kernel = KERNELS[0]!;
    expectImageClose(
      conv2d(img, kernel),
      referenceConv2d(img, kernel, { mode: 'convolve', padding: 'same', border: 'zero', stride: 1 }),
      'defaults',
    );
  });

  it('mirrors repeatedly when reflect padding is as large as the image', () => {
    const r = seededRandom(99);
    const img = randomImage(r, 3, 2, 1);
    const big = createKernel({ name: 'big', weights: randomRows(r, 5, 5) });
    // full padding P = 4 exceeds both the width (3) and the height (2).
    for (const mode of ['convolve', 'correlate'] as const) {
      const options = { mode, padding: 'full' as const, border: 'reflect' as const, stride: 1 };
      expectImageClose(conv2d(img, big, options), referenceConv2d(img, big, options), `reflect ${mode}`);
    }
    // A 1-pixel axis reflects onto itself.
    const column = randomImage(r, 1, 4, 1);
    const options = { mode: 'correlate' as const, padding: 2, border: 'reflect' as const, stride: 1 };
    expectImageClose(conv2d(column, big, options), referenceConv2d(column, big, options), 'width 1');
  });

  it('convolve equals correlate with the kernel rotated 180 degrees', () => {
    const img = randomImage(seededRandom(3), 6, 6, 1);
    const k = KERNELS[1]!;
    const rotated = createKernel({
      name: 'rotated',
      weights: flippedWeights(k),
      width: k.width,
      height: k.height,
    });
    expect(conv2d(img, k, { padding: 'valid' }).data).toEqual(
      conv2d(img, rotated, { mode: 'correlate', padding: 'valid' }).data,
    );
  });
});

describe('depth-matched 3-D kernels (seed 001)', () => {
  it('sums over the channels into one output channel', () => {
    const r = seededRandom(11);
    const img = randomImage(r, 6, 5, 3);
    const weights = Array.from({ length: 3 }, () =>
      Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => r() * 2 - 1)),
    );
    const cuboid = createKernel({ name: 'cuboid', weights });
    expect(cuboid.depth).toBe(3);
    for (const { padding, border } of PADDINGS) {
      for (const mode of ['convolve', 'correlate'] as const) {
        const options = { mode, padding, border, stride: 1 };
        const out = conv2d(img, cuboid, options);
        expect(out.channels).toBe(1);
        expectImageClose(out, referenceConv2d(img, cuboid, options), JSON.stringify(options));
      }
    }
  });

  it('equals the sum of per-channel 2-D convolutions with its depth slices', () => {
    const r = seededRandom(12);
    const img = randomImage(r, 5, 5, 2, 'float32');
    const slices = [randomRows(r, 3, 3), randomRows(r, 3, 3)];
    const cuboid = createKernel({
      name: 'pair',
      weights: slices[0]!.map((row, y) => row.map((v, x) => [v, slices[1]![y]![x]!])),
    });
    const out = conv2d(img, cuboid, { padding: 'valid' });
    const perChannel = slices.map((rows, d) => {
      const plane = grayImage(rowsOf({ ...img, channels: 1, data: img.data.filter((_, i) => i % 2 === d) }));
      return conv2d(plane, createKernel({ name: `slice${d}`, weights: rows }), { padding: 'valid' });
    });
    const sum = perChannel[0]!.data.map((v, i) => v + perChannel[1]!.data[i]!);
    expectImageClose(out, { ...perChannel[0]!, data: sum }, 'slices');
  });

  it('rejects a depth that is neither 1 nor the channel count, naming both', () => {
    const img = randomImage(seededRandom(1), 4, 4, 3);
    const k = createKernel({ name: 'deep', weights: new Float32Array(9 * 2), width: 3, height: 3, depth: 2 });
    const err = thrown(() => conv2d(img, k));
    expect(err.code).toBe('EDGECAM_ERR_KERNEL');
    expect(err.message).toMatch(/depth 2/);
    expect(err.message).toMatch(/3 channels/);
  });
});

describe('conv2d with a 2-D kernel on colour (seed 001)', () => {
  it('filters each channel on its own', () => {
    const img = randomImage(seededRandom(5), 5, 4, 3);
    const k = KERNELS[0]!;
    const out = conv2d(img, k, { padding: 'valid' });
    expect(out.channels).toBe(3);
    for (let c = 0; c < 3; c++) {
      const plane: Image = { width: 5, height: 4, channels: 1, data: img.data.filter((_, i) => i % 3 === c) };
      const alone = conv2d(plane, k, { padding: 'valid' });
      expect(out.data.filter((_, i) => i % 3 === c)).toEqual(alone.data);
    }
  });
});

describe('out buffers', () => {
  const img = randomImage(seededRandom(8), 6, 6, 1);

  it('writes into a given out of the right shape and returns it, the same on every call', () => {
    for (const kernel of [KERNELS[0]!, resolveKernel('gaussian5')]) {
      const out: Image<Float32Array> = {
        width: 6,
        height: 6,
        channels: 1,
        data: new Float32Array(36).fill(7),
      };
      expect(conv2d(img, kernel, {}, out)).toBe(out);
      const first = Float32Array.from(out.data);
      conv2d(img, kernel, {}, out);
      expect(out.data).toEqual(first);
      expect(out.data).toEqual(conv2d(img, kernel).data);
    }
  });

  it('rejects an out of the wrong size or type, naming the expected shape', () => {
    const wrong: Image<Float32Array> = { width: 5, height: 6, channels: 1, data: new Float32Array(30) };
    const err = thrown(() => conv2d(img, KERNELS[0]!, {}, wrong));
    expect(err.code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(err.message).toMatch(/6x6x1/);
    const bytes = {
      width: 6,
      height: 6,
      channels: 1,
      data: new Uint8Array(36),
    } as unknown as Image<Float32Array>;
    expect(thrown(() => conv2d(img, KERNELS[0]!, {}, bytes)).code).toBe('EDGECAM_ERR_ARGUMENT');
  });

  it('refuses to write over its own input', () => {
    const floats = randomImage(seededRandom(9), 5, 5, 1, 'float32') as Image<Float32Array>;
    const err = thrown(() => conv2d(floats, KERNELS[0]!, {}, floats));
    expect(err.code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(err.message).toMatch(/share memory/);
  });
});

describe('conv2dShape and resolvePadding', () => {
  it('gives the output shape without computing (seed 003: I=13, F=3, P=0, S=2 -> 6)', () => {
    const k = resolveKernel('box3');
    expect(conv2dShape({ width: 13, height: 13, channels: 3 }, k, { padding: 'valid', stride: 2 })).toEqual({
      width: 6,
      height: 6,
      channels: 3,
    });
    expect(conv2dShape({ width: 640, height: 480, channels: 1 }, k)).toEqual({
      width: 640,
      height: 480,
      channels: 1,
    });
    expect(conv2dShape({ width: 8, height: 6, channels: 1 }, KERNELS[1]!, { padding: 'full' })).toEqual({
      width: 10,
      height: 7,
      channels: 1,
    });
  });

  it('throws on an impossible stride, naming I, F, P, S and the axis (seed 003: I=10)', () => {
    const err = thrown(() =>
      conv2dShape({ width: 10, height: 13, channels: 1 }, resolveKernel('box3'), {
        padding: 'valid',
        stride: 2,
      }),
    );
    expect(err.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(err.message).toMatch(/width/);
    expect(err.message).toMatch(/I=10, F=3, P=0, S=2/);
  });

  it('resolves each padding kind', () => {
    expect(resolvePadding('valid', 3)).toBe(0);
    expect(resolvePadding('same', 5)).toBe(2);
    expect(resolvePadding('full', 4)).toBe(3);
    expect(resolvePadding(3, 2)).toBe(3);
  });

  it("rejects 'same' for an even kernel, suggesting an odd size or 'valid'", () => {
    const err = thrown(() => resolvePadding('same', 4));
    expect(err.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(err.message).toMatch(/odd/);
    expect(err.message).toMatch(/3 or 5/);
    expect(err.message).toMatch(/'valid'/);
    const even = createKernel({ name: 'even', weights: [[1, 2]] });
    const viaConv = thrown(() => conv2d(randomImage(seededRandom(1), 4, 4, 1), even));
    expect(viaConv.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(viaConv.message).toMatch(/kernel width/);
  });

  it('rejects bad padding, stride, mode and border values', () => {
    const img = randomImage(seededRandom(1), 4, 4, 1);
    const k = resolveKernel('box3');
    expect(thrown(() => resolvePadding(-1, 3)).code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(thrown(() => conv2d(img, k, { stride: 0 })).code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(thrown(() => conv2d(img, k, { stride: 1.5 })).message).toMatch(/stride.*1\.5/);
    expect(thrown(() => conv2d(img, k, { padding: 'sam' as Padding })).message).toMatch(/'sam'/);
    expect(thrown(() => conv2d(img, k, { mode: 'flip' as 'convolve' })).message).toMatch(/'flip'/);
    expect(thrown(() => conv2d(img, k, { border: 'wrap' as BorderFill })).message).toMatch(/'wrap'/);
  });

  it('rejects a kernel that does not fit a valid convolution, and a malformed input', () => {
    const img = randomImage(seededRandom(1), 2, 2, 1);
    expect(thrown(() => conv2d(img, resolveKernel('box3'), { padding: 'valid' })).code).toBe(
      'EDGECAM_ERR_OUTPUT_SIZE',
    );
    const short = { width: 3, height: 3, channels: 1, data: new Uint8Array(8) };
    expect(thrown(() => conv2d(short, resolveKernel('box3'))).message).toMatch(/9 values/);
  });
});

describe('correlateDirect (the 2-D path)', () => {
  it('computes the reference for a rank-1 kernel too, as conv2d does through the separable path', () => {
    const img = randomImage(seededRandom(21), 7, 6, 3);
    const sobel = resolveKernel('sobel-top');
    for (const border of ['zero', 'edge', 'reflect'] as const) {
      const options = { mode: 'convolve' as const, padding: 'same' as const, border, stride: 1 };
      const g = planConv(img, sobel, options);
      const direct = new Float32Array(g.outWidth * g.outHeight * g.outChannels);
      correlateDirect(img.data, flippedWeights(sobel), g, direct);
      const out = conv2d(img, sobel, options);
      expectImageClose({ ...out, data: direct }, referenceConv2d(img, sobel, options), `direct ${border}`);
      expectImageClose(out, { ...out, data: direct }, `separable == direct ${border}`);
    }
  });
});

describe('golden values from SciPy (an independent implementation of the same conventions)', () => {
  // scipy.ndimage.convolve / correlate with mode 'mirror' (= reflect, dcb|abcd|cba), 'nearest'
  // (= edge) and 'constant' (= zero), same-size output, computed once and written down here.
  const img = grayImage([
    [3, 7, 1, 0, 9],
    [2, 5, 8, 4, 6],
    [0, 1, 3, 9, 2],
    [7, 7, 2, 5, 1],
  ]);
  const k = createKernel({
    name: 'asymmetric',
    weights: [
      [1, 2, 0],
      [0, -1, 3],
      [-2, 0, 1],
    ],
  });

  it('convolve matches scipy.ndimage.convolve for each border', () => {
    expect(rowsOf(conv2d(img, k, { border: 'reflect' }))).toEqual([
      [22, 6, 37, 13, 3],
      [7, 7, 29, 23, 19],
      [19, 1, 6, 7, 28],
      [14, 13, 17, 20, 18],
    ]);
    expect(rowsOf(conv2d(img, k, { border: 'edge' }))).toEqual([
      [4, 21, 47, 0, -9],
      [-6, 7, 29, 23, -6],
      [13, 1, 6, 7, 20],
      [33, 24, 11, 11, 22],
    ]);
    expect(rowsOf(conv2d(img, k, { border: 'zero' }))).toEqual([
      [6, 20, 40, 17, 3],
      [-15, 7, 29, 23, 10],
      [11, 1, 6, 7, 31],
      [-9, 8, 2, 0, 23],
    ]);
  });

  it('correlate matches scipy.ndimage.correlate', () => {
    expect(rowsOf(conv2d(img, k, { mode: 'correlate', border: 'reflect' }))).toEqual([
      [22, 12, 14, 33, 3],
      [25, 39, 20, 11, 15],
      [5, 8, 36, 10, 36],
      [14, 4, 27, 15, 18],
    ]);
  });
});
