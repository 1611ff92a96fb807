import { describe, expect, it } from 'vitest';
import type { CameraImage, Image } from '../../../src/frame.js';
import type { InputSpec } from '../../../src/inference/manifest.js';
import { frameBox, placeFrame } from '../../../src/inference/placement.js';
import { InputTensor } from '../../../src/inference/tensor.js';
import { I420Image, i420Size, i420ToRgb } from '../../../src/kernels/i420.js';
import { ENGINE_ENV } from '../../../src/kernels/plan.js';
import { loadKernelModule } from '../../../src/kernels/wasm/module.js';
import { seededRandom } from '../../../src/random.js';

const spec = (over: Partial<InputSpec>): InputSpec => ({
  width: 4,
  height: 4,
  layout: 'NCHW',
  colorOrder: 'RGB',
  dtype: 'float32',
  mean: 0,
  std: 1,
  resize: 'stretch',
  padColor: [114, 114, 114],
  ...over,
});

/** An RGB frame whose pixel (x, y) is (x, y, 7). */
function coords(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  return { width, height, channels: 3 as const, data };
}

describe('InputTensor', () => {
  it('copies exactly at the same size, in NCHW planes, with scale/mean/std per channel', () => {
    const t = new InputTensor(spec({ scale: 1, mean: [1, 2, 3], std: [1, 2, 7] }));
    t.fill(coords(4, 4));
    expect(t.dims).toEqual([1, 3, 4, 4]);
    expect(t.data[1 * 4 + 2]).toBe(2 - 1); // R plane, (x 2, y 1): (2 - 1) / 1
    expect(t.data[16 + 3 * 4 + 0]).toBe((3 - 2) / 2); // G plane: y = 3
    expect(t.data[32]).toBeCloseTo((7 - 3) / 7, 6); // B plane
  });

  it('swaps to BGR and interleaves for NHWC', () => {
    const t = new InputTensor(spec({ scale: 1, colorOrder: 'BGR', layout: 'NHWC' }));
    t.fill(coords(4, 4));
    expect(t.dims).toEqual([1, 4, 4, 3]);
    expect(Array.from(t.data.subarray((1 * 4 + 2) * 3, (1 * 4 + 2) * 3 + 3))).toEqual([7, 1, 2]);
  });

  it('halves with bilinear sampling at pixel centres (OpenCV INTER_LINEAR)', () => {
    const t = new InputTensor(spec({ scale: 1, width: 2, height: 2 }));
    t.fill(coords(4, 4));
    // Output x 0 samples source x 0.5: the mean of columns 0 and 1.
    expect(Array.from(t.data.subarray(0, 4))).toEqual([0.5, 2.5, 0.5, 2.5]);
  });

  it('letterboxes with the pad colour and reports where the frame landed', () => {
    const t = new InputTensor(spec({ width: 4, height: 4, resize: 'letterbox', scale: 1 }));
    const p = t.fill(coords(4, 2));
    expect([p.contentY0, p.contentY1]).toEqual([1, 3]);
    expect(t.data[0]).toBe(114); // row 0 is padding
    expect(t.data[4 + 3]).toBe(3); // row 1 holds frame row 0: R = x
  });

  it('pads once per frame size, and again when the frame size changes the border', () => {
    const reused = new InputTensor(spec({ width: 8, height: 8, resize: 'letterbox', scale: 1 }));
    reused.fill(coords(8, 4)); // border above and below
    reused.fill(coords(8, 4));
    reused.fill(coords(4, 8)); // border left and right: rows that held content become content again
    const fresh = new InputTensor(spec({ width: 8, height: 8, resize: 'letterbox', scale: 1 }));
    fresh.fill(coords(4, 8));
    expect(Array.from(reused.data)).toEqual(Array.from(fresh.data));
    expect(reused.data[0]).toBe(114); // (0, 0) is border in both sizes
    expect(reused.data[8 * 2]).toBe(114); // (0, 2): content for 8x4, border for 4x8
  });

  it('rounds and clamps for uint8 and int8 inputs instead of wrapping', () => {
    const u8 = new InputTensor(spec({ dtype: 'uint8', scale: 2 }));
    u8.fill({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(200) });
    expect(u8.data[0]).toBe(255);
    const i8 = new InputTensor(spec({ dtype: 'int8', mean: 128 }));
    i8.fill({ width: 4, height: 4, channels: 3, data: new Uint8Array(48).fill(0) });
    expect(i8.data[0]).toBe(-128);
  });

  it('makes gray from RGB with BT.601 luma, and feeds gray frames to every colour channel', () => {
    const gray = new InputTensor(spec({ colorOrder: 'GRAY', scale: 1 }));
    gray.fill({
      width: 4,
      height: 4,
      channels: 3,
      data: new Uint8Array(48).fill(100).map((v, i) => (i % 3 === 0 ? 200 : v)),
    });
    expect(gray.data[0]).toBeCloseTo(0.299 * 200 + 0.701 * 100, 4);
    const rgb = new InputTensor(spec({ scale: 1 }));
    rgb.fill({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(9) });
    expect([rgb.data[0], rgb.data[16], rgb.data[32]]).toEqual([9, 9, 9]);
  });
});

describe('placement', () => {
  it('maps boxes back through letterbox and centre crop', () => {
    const lb = placeFrame(640, 480, { width: 320, height: 320, resize: 'letterbox' });
    expect(lb.contentY0).toBe(40);
    expect(frameBox(lb, { x: 0, y: 40 / 320, w: 1, h: 240 / 320 })).toEqual({ x: 0, y: 0, w: 1, h: 1 });
    const crop = placeFrame(640, 480, { width: 240, height: 240, resize: 'center-crop' });
    const b = frameBox(crop, { x: 0, y: 0, w: 1, h: 1 })!;
    expect(b.x).toBeCloseTo(80 / 640, 9);
    expect(b.w).toBeCloseTo(480 / 640, 9);
    expect(frameBox(lb, { x: 0, y: 0, w: 1, h: 0.1 })).toBeUndefined(); // wholly in the padding
  });
});

describe('InputTensor on WebAssembly SIMD', () => {
  /** Fills a fresh tensor with EDGECAM_KERNEL_ENGINE set as given (read when a frame size is first seen). */
  function filled(s: InputSpec, frame: CameraImage, engine: string | undefined) {
    const before = process.env[ENGINE_ENV];
    if (engine === undefined) delete process.env[ENGINE_ENV];
    else process.env[ENGINE_ENV] = engine;
    try {
      const t = new InputTensor(s);
      t.fill(frame);
      t.fill(frame); // the second fill reuses the tables, and the border from the first
      return t;
    } finally {
      if (before === undefined) delete process.env[ENGINE_ENV];
      else process.env[ENGINE_ENV] = before;
    }
  }

  function noise(width: number, height: number, seed: number) {
    const rand = seededRandom(seed);
    const data = Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rand() * 256));
    return { width, height, channels: 3 as const, data };
  }

  it('agrees with the TypeScript path for RGB frames into float32 NCHW (sizes, resizes, BGR, mean/std)', () => {
    expect(loadKernelModule()).toBeDefined();
    const cases: [number, number, Partial<InputSpec>, 'halve' | 'bilinear'][] = [
      [640, 480, { width: 320, height: 320, resize: 'letterbox' }, 'halve'],
      [480, 640, { width: 320, height: 320, resize: 'letterbox' }, 'halve'], // border left and right
      [
        74,
        26,
        { width: 37, height: 13, resize: 'stretch', mean: [0.4, 0.5, 0.6], std: [0.2, 0.3, 0.25] },
        'halve',
      ], // 4 blocks of 8 and a tail of 5
      [100, 60, { width: 30, height: 30, resize: 'center-crop' }, 'halve'], // starts 20 pixels into each row
      [640, 480, { width: 416, height: 416, resize: 'letterbox', colorOrder: 'BGR' }, 'bilinear'],
      [101, 37, { width: 23, height: 19, resize: 'stretch' }, 'bilinear'], // odd sizes: the 1-3 pixel tail
      [64, 48, { width: 97, height: 71, resize: 'stretch' }, 'bilinear'], // upscaling
      [
        50,
        30,
        {
          width: 30,
          height: 30,
          resize: 'center-crop',
          colorOrder: 'BGR',
          mean: [0.4, 0.5, 0.6],
          std: [0.2, 0.3, 0.25],
        },
        'bilinear',
      ],
      [32, 32, { width: 32, height: 32, resize: 'stretch', scale: 1 }, 'bilinear'], // same size: exact samples
    ];
    for (const [i, [w, h, over, pass]] of cases.entries()) {
      const frame = noise(w, h, i + 1);
      const s = spec(over);
      const fast = filled(s, frame, undefined);
      const reference = filled(s, frame, 'typescript');
      const what = `${w}x${h} -> ${JSON.stringify(over)}`;
      expect(fast.resamplePass, what).toBe(pass);
      expect(reference.resamplePass, what).toBe('typescript');
      const a = fast.data as Float32Array;
      const b = reference.data as Float32Array;
      let worst = 0;
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
      // float32 arithmetic against float64: differences in the last bits only
      expect(worst, what).toBeLessThan(1e-4 * (s.scale === 1 ? 255 : 1));
    }
  });

  it('keeps the input in memory of its own: the same array every frame, untouched by the rest of the thread', () => {
    const s = spec({ width: 320, height: 320, resize: 'letterbox' });
    const t = new InputTensor(s);
    t.fill(noise(480, 640, 30)); // pillarbox: the pass writes rows between the borders
    const data = t.data;
    // Another input and the thread's shared kernel scratch, grown and overwritten in between.
    filled(spec({ width: 960, height: 540, resize: 'stretch' }), noise(1920, 1080, 31), undefined);
    const shared = loadKernelModule()!;
    shared.reserve(8 << 20);
    shared.bytes.fill(255, shared.base, shared.base + (8 << 20));
    const frame = noise(480, 640, 32);
    t.fill(frame);
    expect(t.data).toBe(data);
    expect(t.data.length).toBe(3 * 320 * 320);
    const reference = filled(s, frame, 'typescript').data;
    let worst = 0;
    for (let k = 0; k < t.data.length; k++) worst = Math.max(worst, Math.abs(t.data[k]! - reference[k]!));
    expect(worst).toBeLessThan(1e-4);
  });

  it('switches between its WebAssembly and TypeScript paths as the frame size and kind change', () => {
    const s = spec({ width: 320, height: 320, resize: 'letterbox' });
    const t = new InputTensor(s);
    const gray = (w: number, h: number) => ({
      width: w,
      height: h,
      channels: 1 as const,
      data: noise(w, h, 41).data.subarray(0, w * h),
    });
    const frames: Image<Uint8Array>[] = [
      noise(640, 480, 40),
      gray(640, 480),
      noise(480, 640, 42),
      noise(640, 480, 43),
    ];
    const passes: (string | undefined)[] = [];
    for (const frame of frames) {
      t.fill(frame);
      passes.push(t.resamplePass);
      const reference = filled(s, frame, 'typescript').data;
      let worst = 0;
      for (let k = 0; k < reference.length; k++)
        worst = Math.max(worst, Math.abs(t.data[k]! - reference[k]!));
      expect(t.data.length).toBe(reference.length);
      expect(worst, `${frame.width}x${frame.height}x${frame.channels}`).toBeLessThan(1e-4);
    }
    expect(passes).toEqual(['halve', 'typescript', 'halve', 'halve']);
  });

  /** Random I420 planes; `gentle` keeps every pixel's RGB inside 0..255 (nothing clamps). */
  function randomPlanes(w: number, h: number, seed: number, gentle: boolean) {
    const rand = seededRandom(seed);
    const level = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const i420 = new Uint8Array(i420Size(w, h));
    for (let k = 0; k < w * h; k++) i420[k] = gentle ? level(60, 190) : level(0, 255);
    for (let k = w * h; k < i420.length; k++) i420[k] = gentle ? level(100, 156) : level(0, 255);
    return i420;
  }

  /** An image whose RGB must never be read: the planes go to the pass as they are. */
  const planesOnly = (w: number, h: number, i420: Uint8Array) => ({
    width: w,
    height: h,
    channels: 3 as const,
    i420,
    get data(): Uint8Array {
      throw new Error('data was read');
    },
  });

  it("fills from an I420 frame's planes as from its RGB, without converting it in this thread", () => {
    // The halving reads the planes (each block's mean, converted): within rounding of the mean of
    // the converted pixels, which are rounded to whole levels first, where nothing clamps.
    const halving: [Partial<InputSpec>, number][] = [
      [{ width: 320, height: 320, resize: 'letterbox', scale: 1 }, 0.55], // levels: half a level of rounding
      [
        { width: 320, height: 320, resize: 'letterbox', mean: [0.4, 0.5, 0.6], std: [0.2, 0.3, 0.25] },
        0.55 / 255 / 0.2,
      ],
      [{ width: 320, height: 320, resize: 'letterbox', dtype: 'uint8', scale: 1 }, 1],
      [{ width: 24, height: 24, resize: 'center-crop', colorOrder: 'BGR', scale: 1 }, 0.55], // blocks from x = 4
    ];
    for (const [i, [over, tolerance]] of halving.entries()) {
      const [w, h] = over.resize === 'center-crop' ? [56, 48] : [640, 480];
      const i420 = randomPlanes(w, h, 60 + i, true);
      const s = spec(over);
      const fromPlanes = filled(s, planesOnly(w, h, i420), undefined);
      const fromRgb = filled(s, { width: w, height: h, channels: 3, data: i420ToRgb(i420, w, h) }, undefined);
      expect(fromPlanes.resamplePass).toBe('halve');
      let worst = 0;
      for (let k = 0; k < fromRgb.data.length; k++)
        worst = Math.max(worst, Math.abs(fromPlanes.data[k]! - fromRgb.data[k]!));
      expect(worst, JSON.stringify(over)).toBeLessThanOrEqual(tolerance);
      expect(worst, JSON.stringify(over)).toBeGreaterThan(0); // the planes' own pass ran
    }
    // Bilinear, or blocks that do not start on a chroma sample: RGB first, in the module's memory.
    for (const [w, h, over] of [
      [96, 40, { width: 37, height: 23, resize: 'stretch', colorOrder: 'BGR' }],
      [54, 48, { width: 24, height: 24, resize: 'center-crop' }], // blocks from x = 3
    ] as const) {
      const i420 = randomPlanes(w, h, 70, false);
      const fromPlanes = filled(spec(over), planesOnly(w, h, i420), undefined);
      const fromRgb = filled(
        spec(over),
        { width: w, height: h, channels: 3, data: i420ToRgb(i420, w, h) },
        undefined,
      );
      const at = fromPlanes.data.findIndex((v, k) => v !== fromRgb.data[k]);
      expect(at === -1 ? 'none' : `element ${at}`, `${w}x${h} ${JSON.stringify(over)}`).toBe('none');
    }
  });

  it('halves from planes by converting each block mean: as its pixels where none clamps, brighter where some do', () => {
    // One 16x2 frame halved into 8x1: block 0 is Y 10, 20, 30, 40 with gray chroma; block 1 is
    // Y 200, 200, 250, 250 with V 148, which pushes the right pixels' R past 255.
    const i420 = new Uint8Array(i420Size(16, 2)).fill(128);
    i420.set([10, 20, 200, 250], 0);
    i420.set([30, 40, 200, 250], 16);
    i420[32 + 8 + 1] = 148;
    const s = spec({ width: 8, height: 1, resize: 'stretch', scale: 1 });
    const t = filled(s, planesOnly(16, 2, i420), undefined);
    expect(t.data[0]).toBe(25);
    // 225 + 1.402 * 20 = 253.04 (to 1/64 of a level); the mean of the clamped pixels is 241.5.
    expect(t.data[1]).toBeCloseTo(253.04, 1);
    const fromRgb = filled(s, { width: 16, height: 2, channels: 3, data: i420ToRgb(i420, 16, 2) }, undefined);
    expect(fromRgb.data[1]).toBe(241.5);
  });

  it('reads RGB from an I420 frame where no pass takes the planes (the TypeScript path, a frame under 16 wide)', () => {
    const rand = seededRandom(70);
    for (const [w, h, engine] of [
      [64, 48, 'typescript'],
      [12, 8, undefined],
    ] as const) {
      const i420 = Uint8Array.from({ length: i420Size(w, h) }, () => Math.floor(rand() * 256));
      const s = spec({ width: 8, height: 8, resize: 'stretch' });
      const fromPlanes = filled(s, new I420Image(w, h, i420), engine);
      const fromRgb = filled(s, { width: w, height: h, channels: 3, data: i420ToRgb(i420, w, h) }, engine);
      expect(Array.from(fromPlanes.data)).toEqual(Array.from(fromRgb.data));
    }
  });

  it('halves into uint8 planes exactly as the TypeScript path rounds (raw-pixel inputs of quantised models)', () => {
    const cases: [number, number, Partial<InputSpec>][] = [
      [640, 480, { width: 320, height: 320, resize: 'letterbox' }],
      [94, 26, { width: 47, height: 13, resize: 'stretch', colorOrder: 'BGR' }], // 5 blocks of 8 and a tail of 7
    ];
    for (const [i, [w, h, over]] of cases.entries()) {
      const frame = noise(w, h, 20 + i);
      // Every 2x2 sum leaves each remainder (0-3) somewhere: the half-up rounding is exercised.
      const s = spec({ dtype: 'uint8', scale: 1, ...over });
      const fast = filled(s, frame, undefined);
      expect(fast.resamplePass).toBe('halve');
      const reference = filled(s, frame, 'typescript').data;
      // The first difference, not the whole 300k-element arrays: a failure stays readable.
      const at = fast.data.findIndex((v, k) => v !== reference[k]);
      expect(at === -1 ? 'none' : `element ${at}: ${fast.data[at]} vs ${reference[at]}`).toBe('none');
    }
  });

  it('leaves NHWC, gray, int8 and scaled or non-halving uint8 inputs to the TypeScript path, with the same results', () => {
    const frame = noise(40, 30, 9);
    const others = [
      { layout: 'NHWC' },
      { colorOrder: 'GRAY' },
      { dtype: 'int8', mean: 128, scale: 1 },
      { dtype: 'uint8' }, // 40x30 into 16x16 is no halving
      { dtype: 'uint8', width: 20, height: 20, scale: 0.5 }, // a halving, but not of raw pixels
    ] as const;
    for (const over of others) {
      const s = spec({ width: 16, height: 16, resize: 'letterbox', ...over });
      const fast = filled(s, frame, undefined);
      expect(fast.resamplePass, JSON.stringify(over)).toBe('typescript');
      expect(Array.from(fast.data)).toEqual(Array.from(filled(s, frame, 'typescript').data));
    }
  });
});
