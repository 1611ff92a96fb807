import { afterEach, describe, expect, it } from 'vitest';
import { syntheticPhoto } from '../../../bench/photo.js';
import { isEdgecamError } from '../../../src/errors.js';
import type { Image } from '../../../src/frame.js';
import { conv2d } from '../../../src/kernels/conv2d.js';
import { sobelMagnitude } from '../../../src/kernels/edges.js';
import { chooseRecipe } from '../../../src/kernels/fast/quantize.js';
import { createKernel, separate } from '../../../src/kernels/kernel.js';
import { kernels, resolveKernel } from '../../../src/kernels/library.js';
import { createChainPlan, createEdgePlan, createFilterPlan, ENGINE_ENV } from '../../../src/kernels/plan.js';
import type { BorderFill, ConvMode, ConvOptions, Kernel, Uint8Policy } from '../../../src/kernels/types.js';
import { toUint8 } from '../../../src/kernels/uint8.js';

function randomImage(width: number, height: number, channels: number, seed: number): Image<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, channels, data };
}

function reference(img: Image<Uint8Array>, k: Kernel, options: ConvOptions, policy: Uint8Policy): Uint8Array {
  return toUint8(conv2d(img, k, options), policy).data;
}

/** Largest |a - b| over all bytes. */
function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const isInteger = (k: Kernel) => k.weights.every((w) => Number.isInteger(w));
const BORDERS: BorderFill[] = ['zero', 'edge', 'reflect'];
const MODES: ConvMode[] = ['convolve', 'correlate'];
const POLICIES: Uint8Policy[] = [
  { kind: 'clamp' },
  { kind: 'abs' },
  { kind: 'scale', scale: 0.5, offset: 128 },
];
// Tiny, odd, even and not-a-multiple-of-16 widths: the SIMD passes work 16 bytes at a time.
const SIZES = [
  [1, 1],
  [2, 3],
  [17, 5],
  [35, 12],
];
const LIBRARY = [...kernels, resolveKernel('box5'), resolveKernel('gaussian7:2.5')];
const images = (channels: number) => [
  ...SIZES.map(([w, h]) => randomImage(w!, h!, channels, w! * 31 + h!)),
  syntheticPhoto(40, 30, channels),
];

afterEach(() => {
  delete process.env[ENGINE_ENV];
});

describe('createFilterPlan against the TypeScript reference', () => {
  for (const channels of [1, 3]) {
    it(`gives the reference's bytes (integer kernels) or within +-1 (float kernels), ${channels} channel(s)`, () => {
      for (const k of LIBRARY) {
        const bound = isInteger(k) ? 0 : 1;
        for (const img of images(channels)) {
          for (const border of BORDERS) {
            for (const mode of MODES) {
              for (const policy of POLICIES) {
                const plan = createFilterPlan(k, img, { border, mode }, policy);
                expect(plan.engine, k.name).toBe('wasm-simd');
                const got = plan.run(img).data;
                const diff = maxDiff(got, reference(img, k, { border, mode }, policy));
                expect(
                  diff,
                  `${k.name} ${img.width}x${img.height}x${channels} ${border} ${mode} ${policy.kind}`,
                ).toBeLessThanOrEqual(bound);
              }
            }
          }
        }
      }
    });
  }

  it('covers valid, full and numeric padding', () => {
    const img = syntheticPhoto(35, 12, 3);
    for (const padding of ['valid', 'full', 2] as const) {
      for (const name of ['sobel-top', 'emboss', 'gaussian5', 'box3']) {
        const k = resolveKernel(name);
        const plan = createFilterPlan(k, img, { padding, border: 'reflect' });
        expect(plan.engine).toBe('wasm-simd');
        const ref = conv2d(img, k, { padding, border: 'reflect' });
        expect(plan.output).toEqual({ width: ref.width, height: ref.height, channels: ref.channels });
        expect(maxDiff(plan.run(img).data, toUint8(ref, { kind: 'clamp' }).data)).toBeLessThanOrEqual(
          isInteger(k) ? 0 : 1,
        );
      }
    }
  });

  it('runs custom integer kernels too large for i16 sums, and non-separable float kernels, on TypeScript', () => {
    const img = syntheticPhoto(20, 10, 1);
    const heavy = createKernel({ name: 'heavy', weights: [[100, 0, -100]] });
    const skew = createKernel({
      name: 'skew',
      weights: [
        [Math.SQRT2, 0.2],
        [0.3, Math.PI / 10],
      ],
    });
    for (const k of [heavy, skew]) {
      const plan = createFilterPlan(k, img, { padding: 'valid' });
      expect(plan.engine, k.name).toBe('typescript');
      expect(plan.run(img).data).toEqual(reference(img, k, { padding: 'valid' }, { kind: 'clamp' }));
    }
  });

  it('falls back to TypeScript for stride 2, 3-D kernels and min..max scaling, with the same results', () => {
    const img = syntheticPhoto(21, 13, 3);
    const cube = createKernel({ name: 'cube', weights: [[[1, 0, -1]]] });
    const cases: [Kernel, ConvOptions, Uint8Policy][] = [
      [resolveKernel('sobel-left'), { stride: 2, padding: 'valid' }, { kind: 'abs' }],
      [cube, {}, { kind: 'abs' }],
      [resolveKernel('gaussian5'), {}, { kind: 'scale' }],
    ];
    for (const [k, options, policy] of cases) {
      const plan = createFilterPlan(k, img, options, policy);
      expect(plan.engine).toBe('typescript');
      expect(plan.run(img).data).toEqual(reference(img, k, options, policy));
    }
  });

  it(`uses TypeScript everywhere when ${ENGINE_ENV}=typescript, with identical integer results`, () => {
    const img = syntheticPhoto(33, 17, 1);
    const k = resolveKernel('outline');
    const fast = createFilterPlan(k, img, { border: 'edge' }, { kind: 'abs' });
    process.env[ENGINE_ENV] = 'typescript';
    const slow = createFilterPlan(k, img, { border: 'edge' }, { kind: 'abs' });
    expect(fast.engine).toBe('wasm-simd');
    expect(slow.engine).toBe('typescript');
    expect(slow.run(img).data).toEqual(fast.run(img).data);
    expect(createEdgePlan(img, { norm: 'L1' }).engine).toBe('typescript');
  });
});

describe('the exact-i32 recipe for 5x5 kernels with symmetric factors', () => {
  const symmetric = (name: string, v: number[]) =>
    createKernel({ name, weights: v.map((a) => v.map((b) => a * b)) });
  // Gaussians from nearly a point to nearly a box, and a sharpening profile whose negative
  // outputs exercise the abs policy.
  const KERNELS = [
    ...['gaussian5', 'gaussian5:0.3', 'gaussian5:0.6', 'gaussian5:3', 'gaussian5:100'].map(resolveKernel),
    symmetric('dip', [-Math.SQRT1_2 / 8, 0.2, Math.PI / 10, 0.2, -Math.SQRT1_2 / 8]),
  ];
  const recipeOf = (k: Kernel) => chooseRecipe(k.weights, k.width, separate(k), 1);

  it('is what these kernels get, with a computed error bound under 0.9 gray levels', () => {
    for (const k of KERNELS) {
      const recipe = recipeOf(k);
      expect(recipe?.kind, k.name).toBe('separable-symmetric5');
      if (recipe?.kind !== 'separable-symmetric5') continue;
      expect(recipe.maxError).toBeGreaterThan(0);
      expect(recipe.maxError).toBeLessThan(0.9);
    }
  });

  it('stays within +-1 of the reference on noise, extremes and steps, every policy, 1 and 3 channels', () => {
    const extremes = (w: number, h: number, c: number): Image<Uint8Array> => {
      const data = new Uint8Array(w * h * c);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 3 === 0 ? 255 : 0;
      return { width: w, height: h, channels: c, data };
    };
    for (const channels of [1, 3]) {
      const inputs = [
        randomImage(37, 9, channels, 5),
        extremes(21, 8, channels),
        syntheticPhoto(40, 30, channels),
      ];
      for (const k of KERNELS) {
        for (const img of inputs) {
          for (const policy of POLICIES) {
            for (const border of BORDERS) {
              const plan = createFilterPlan(k, img, { border }, policy);
              expect(plan.engine).toBe('wasm-simd');
              const diff = maxDiff(plan.run(img).data, reference(img, k, { border }, policy));
              expect(
                diff,
                `${k.name} ${img.width}x${img.height}x${channels} ${policy.kind} ${border}`,
              ).toBeLessThanOrEqual(1);
            }
          }
        }
      }
    }
  });

  it('is refused when the Q6 column sums could overflow i16, and the plan still gives +-1', () => {
    // Factors with sum |w| = 1.6 reach 255 * 1.6 * 64 = 26112 in Q6: x0 + x4 would wrap.
    const loud = symmetric('loud', [0.16, 0.32, 0.64, 0.32, 0.16]);
    expect(recipeOf(loud)?.kind).not.toBe('separable-symmetric5');
    const img = syntheticPhoto(23, 11, 1);
    const plan = createFilterPlan(loud, img);
    expect(maxDiff(plan.run(img).data, reference(img, loud, {}, { kind: 'clamp' }))).toBeLessThanOrEqual(1);
  });
});

describe('plans in steady state', () => {
  it('return the same buffer on every run, refilled, and write into out when given', () => {
    const a = syntheticPhoto(64, 48, 1, 1);
    const b = syntheticPhoto(64, 48, 1, 2);
    const plan = createFilterPlan(resolveKernel('gaussian11'), a);
    const first = plan.run(a);
    const firstBytes = first.data.slice();
    const second = plan.run(b);
    expect(second).toBe(first);
    expect(second.data).toBe(first.data);
    expect(second.data).not.toEqual(firstBytes);
    const out = { width: 64, height: 48, channels: 1, data: new Uint8Array(64 * 48) };
    expect(plan.run(a, out)).toBe(out);
    expect(out.data).toEqual(firstBytes);
  });

  it('make their own output only when run without out, and keep it apart from any out', () => {
    const a = syntheticPhoto(64, 48, 3, 1);
    const plan = createEdgePlan(a, { norm: 'L1' });
    const out = { width: 64, height: 48, channels: 1, data: new Uint8Array(64 * 48) };
    expect(plan.run(a, out)).toBe(out);
    const own = plan.run(a);
    expect(own).not.toBe(out);
    expect(own.data.buffer).not.toBe(out.data.buffer);
    expect(own.data).toEqual(out.data);
    expect(plan.run(a)).toBe(own);
  });

  it('keep giving right answers after another plan grows the shared wasm memory', () => {
    const small = syntheticPhoto(16, 16, 1);
    const plan = createFilterPlan(resolveKernel('sharpen'), small);
    const before = plan.run(small).data.slice();
    createFilterPlan(resolveKernel('box3'), { width: 1920, height: 1080, channels: 3 });
    expect(plan.run(small).data).toEqual(before);
    expect(before).toEqual(reference(small, resolveKernel('sharpen'), {}, { kind: 'clamp' }));
  });
});

describe('createChainPlan', () => {
  it('applies the steps left to right, each rounded to bytes by its own policy', () => {
    const img = syntheticPhoto(37, 21, 3);
    const steps = [
      { kernel: resolveKernel('box3') },
      {
        kernel: resolveKernel('sobel-top'),
        options: { border: 'edge' as const },
        policy: { kind: 'abs' } as const,
      },
      { kernel: resolveKernel('identity'), options: { padding: 'valid' as const } },
    ];
    const plan = createChainPlan(steps, img);
    expect(plan.engine).toBe('wasm-simd');
    expect(plan.output).toEqual({ width: 35, height: 19, channels: 3 });
    let expected: Image<Uint8Array> = img;
    for (const s of steps)
      expected = toUint8(conv2d(expected, s.kernel, s.options), s.policy ?? { kind: 'clamp' });
    expect(plan.run(img).data).toEqual(expected.data);
  });

  it('reports typescript when any step falls back, and names the failing step', () => {
    const img = syntheticPhoto(21, 21, 1);
    const k = resolveKernel('box3');
    expect(
      createChainPlan([{ kernel: k }, { kernel: k, options: { stride: 2, padding: 'valid' } }], img).engine,
    ).toBe('typescript');
    expect(() =>
      createChainPlan(
        [{ kernel: k }, { kernel: resolveKernel('gaussian11'), options: { padding: 'valid' } }],
        { width: 8, height: 8, channels: 1 },
      ),
    ).toThrow(/Chain step 1 \('gaussian11'\)/);
    expect(() => createChainPlan([], img)).toThrow(/non-empty array/);
  });
});

describe('createEdgePlan', () => {
  it('matches sobelMagnitude exactly for gray frames, both norms, every border, with and without threshold', () => {
    for (const img of [...images(1), syntheticPhoto(50, 33, 1)]) {
      for (const norm of ['L1', 'L2'] as const) {
        for (const border of BORDERS) {
          for (const threshold of [undefined, 0, 99.5, 255, 300]) {
            const options = { norm, border, ...(threshold === undefined ? {} : { threshold }) };
            const plan = createEdgePlan(img, options);
            expect(plan.engine).toBe('wasm-simd');
            expect(plan.run(img).data, `${img.width}x${img.height} ${norm} ${border} ${threshold}`).toEqual(
              sobelMagnitude(img, options).data,
            );
          }
        }
      }
    }
  });

  it('runs RGB frames on wasm too (8-bit gray first), byte for byte the reference, at any width', () => {
    // Widths around the 16-pixel steps of the gray and Sobel passes.
    for (const img of [
      ...images(3),
      syntheticPhoto(50, 33, 3),
      syntheticPhoto(16, 4, 3),
      syntheticPhoto(33, 7, 3),
    ]) {
      for (const norm of ['L1', 'L2'] as const) {
        for (const border of BORDERS) {
          for (const threshold of [undefined, 99.5]) {
            const options = { norm, border, ...(threshold === undefined ? {} : { threshold }) };
            const plan = createEdgePlan(img, options);
            expect(plan.engine).toBe('wasm-simd');
            expect(plan.output).toEqual({ width: img.width, height: img.height, channels: 1 });
            expect(plan.run(img).data, `${img.width}x${img.height} ${norm} ${border} ${threshold}`).toEqual(
              sobelMagnitude(img, options).data,
            );
          }
        }
      }
    }
    process.env[ENGINE_ENV] = 'typescript';
    const img = syntheticPhoto(30, 20, 3);
    const slow = createEdgePlan(img, { norm: 'L2' });
    expect(slow.engine).toBe('typescript');
    expect(slow.run(img).data).toEqual(sobelMagnitude(img, { norm: 'L2' }).data);
  });

  it('rounds L2 exactly: float32 sqrt of every gx^2 + gy^2 the wasm pass can see rounds like float64', () => {
    // The wasm pass computes floor(f32(sqrt) + 0.5) in f32; sums reach 2 * 1020^2.
    for (let n = 0; n <= 2 * 1020 * 1020; n++) {
      const f = Math.fround(Math.sqrt(n));
      if (Math.floor(Math.fround(f + 0.5)) !== Math.round(Math.sqrt(n))) expect.fail(`n = ${n}`);
    }
  });
});

describe('errors at plan creation', () => {
  const shape = { width: 10, height: 10, channels: 1 };
  const expectCode = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (err) {
      expect(isEdgecamError(err) && err.code).toBe(code);
      return;
    }
    expect.fail('expected an EdgecamError');
  };

  it('rejects bad kernels, sizes, options and policies before any frame', () => {
    const even = createKernel({ name: 'even', weights: [[1, -1]] });
    expectCode(() => createFilterPlan(even, shape), 'EDGECAM_ERR_OUTPUT_SIZE');
    expectCode(
      () => createFilterPlan(resolveKernel('box3'), shape, { stride: 4, padding: 'valid' }),
      'EDGECAM_ERR_OUTPUT_SIZE',
    );
    expectCode(
      () => createFilterPlan(resolveKernel('box3'), { width: 0, height: 4, channels: 1 }),
      'EDGECAM_ERR_ARGUMENT',
    );
    expectCode(
      () => createFilterPlan(resolveKernel('box3'), shape, { border: 'wrap' as BorderFill }),
      'EDGECAM_ERR_ARGUMENT',
    );
    expectCode(
      () => createFilterPlan(resolveKernel('box3'), shape, {}, { kind: 'round' } as unknown as Uint8Policy),
      'EDGECAM_ERR_ARGUMENT',
    );
    expectCode(
      () => createFilterPlan(createKernel({ name: 'd2', weights: [[[1, 1]]] }), { ...shape, channels: 3 }),
      'EDGECAM_ERR_KERNEL',
    );
    expectCode(() => createEdgePlan({ ...shape, channels: 2 }, { norm: 'L1' }), 'EDGECAM_ERR_ARGUMENT');
    expectCode(() => createEdgePlan(shape, { norm: 'L3' as 'L1' }), 'EDGECAM_ERR_ARGUMENT');
  });

  it('rejects frames and out images of another shape at run time, naming both shapes', () => {
    const plan = createFilterPlan(resolveKernel('box3'), shape);
    const wrong = syntheticPhoto(12, 10, 1);
    expect(() => plan.run(wrong)).toThrow(/10x10x1 .* received 12x10x1/);
    const frame = syntheticPhoto(10, 10, 1);
    expectCode(() => plan.run(frame, { ...shape, data: new Uint8Array(99) }), 'EDGECAM_ERR_ARGUMENT');
    expectCode(() => plan.run(frame, frame), 'EDGECAM_ERR_ARGUMENT');
  });
});
