import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/inference/decode/index.js';
import { markAbove } from '../../../src/inference/decode/mark-above.js';
import { manifestSchema } from '../../../src/inference/manifest.js';
import { ENGINE_ENV } from '../../../src/kernels/plan.js';
import { loadKernelModule } from '../../../src/kernels/wasm/module.js';
import { seededRandom } from '../../../src/random.js';

/** markAbove with EDGECAM_KERNEL_ENGINE set as given: undefined for the SIMD pass, 'typescript' for the loop. */
function marks(
  engine: string | undefined,
  d: Float32Array,
  first: number,
  anchorStep: number,
  classStep: number,
  N: number,
  C: number,
  threshold: number,
): number[] {
  const before = process.env[ENGINE_ENV];
  if (engine === undefined) delete process.env[ENGINE_ENV];
  else process.env[ENGINE_ENV] = engine;
  try {
    const marked = new Uint8Array(N + 3).fill(7); // stale marks from a larger frame must be cleared
    markAbove(d, first, anchorStep, classStep, N, C, threshold, marked);
    expect(Array.from(marked.subarray(N))).toEqual([7, 7, 7]); // nothing written past N
    return Array.from(marked.subarray(0, N));
  } finally {
    if (before === undefined) delete process.env[ENGINE_ENV];
    else process.env[ENGINE_ENV] = before;
  }
}

describe('markAbove (which anchors of a YOLO head have a class score at or above the threshold)', () => {
  it('marks exactly the anchors with some score >= threshold, in class rows, on both engines', () => {
    // 4 box rows, then 2 classes x 18 anchors: 16 in one SIMD step, 2 in the tail.
    const N = 18;
    const d = new Float32Array(6 * N).fill(0.1);
    d.fill(0.9, 0, 4 * N); // box rows: never read as scores
    const score = (c: number, n: number, v: number) => {
      d[(4 + c) * N + n] = v;
    };
    score(0, 0, 0.5); // exactly at the threshold counts, in any class row
    score(1, 5, 0.5);
    score(1, 3, 0.7);
    score(0, 15, 0.49999997); // just below does not
    score(1, 16, Number.NaN); // NaN never counts
    score(0, 17, 0.6); // in the tail
    score(1, 17, -1);
    score(1, 9, 0.51);
    score(0, 9, Number.POSITIVE_INFINITY);
    const expected = Array.from({ length: N }, (_, n) => ([0, 3, 5, 9, 17].includes(n) ? 1 : 0));
    expect(loadKernelModule()).toBeDefined();
    expect(marks(undefined, d, 4 * N, 1, N, N, 2, 0.5)).toEqual(expected);
    expect(marks('typescript', d, 4 * N, 1, N, N, 2, 0.5)).toEqual(expected);
  });

  it('sees a score exactly at the threshold in every lane and class row', () => {
    const N = 20;
    const C = 3;
    for (let c = 0; c < C; c++) {
      for (let n = 0; n < N; n++) {
        const d = new Float32Array((4 + C) * N).fill(0.25);
        d[(4 + c) * N + n] = 0.5;
        const expected = Array.from({ length: N }, (_, k) => (k === n ? 1 : 0));
        expect(marks(undefined, d, 4 * N, 1, N, N, C, 0.5), `class ${c}, anchor ${n}`).toEqual(expected);
      }
    }
  });

  it('agrees with the TypeScript loop on noisy heads of many sizes, and reads the transposed layout too', () => {
    const rand = seededRandom(3);
    for (const [N, C] of [
      [2100, 10],
      [8400, 80],
      [5, 3],
      [16, 1],
      [33, 7],
    ] as const) {
      const d = Float32Array.from({ length: (4 + C) * N }, () =>
        rand() < 0.002 ? 0.6 + rand() : rand() * 0.3,
      );
      const fast = marks(undefined, d, 4 * N, 1, N, N, C, 0.35);
      expect(fast, `${N} x ${C}`).toEqual(marks('typescript', d, 4 * N, 1, N, N, C, 0.35));
      expect(fast.some((m) => m === 1) || N < 100, `${N} x ${C} marks some`).toBe(true);
      // The same scores as [1, N, 4 + C] (anchor-major) must give the same marks.
      const t = new Float32Array(d.length);
      for (let r = 0; r < 4 + C; r++) for (let n = 0; n < N; n++) t[n * (4 + C) + r] = d[r * N + n]!;
      expect(marks(undefined, t, 4, 4 + C, 1, N, C, 0.35), `${N} x ${C} transposed`).toEqual(fast);
    }
  });
});

describe('the yolov8 decoder on marked anchors', () => {
  it('takes the best class that is a number: a NaN score in the first class row does not win', () => {
    const { output } = manifestSchema.parse({
      name: 'm',
      task: 'detect',
      model: 'model.onnx',
      input: { width: 100, height: 100 },
      output: { decoder: 'yolov8', scoreThreshold: 0.5 },
      labels: ['a', 'b'],
    });
    const ctx = {
      labels: ['a', 'b'],
      inputWidth: 100,
      inputHeight: 100,
      outputs: [{ name: 'output0', shape: [1, 6, 20] }],
      where: 'test',
    };
    const N = 20;
    const d = new Float32Array(6 * N).fill(0.1);
    for (const [row, value] of [50, 40, 10, 20, Number.NaN, 0.8].entries()) d[row * N + 3] = value;
    const found = createDecoder(output, ctx).decode(new Map([['output0', { dims: [1, 6, N], data: d }]]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ classId: 1, score: expect.closeTo(0.8, 6) });
    expect(found[0]!.box).toEqual({
      x: expect.closeTo(0.45, 6),
      y: expect.closeTo(0.3, 6),
      w: 0.1,
      h: expect.closeTo(0.2, 6),
    });
  });
});
