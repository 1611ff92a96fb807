import { ScratchLayout } from '../kernels/fast/scratch.js';
import { i420Size } from '../kernels/i420.js';
import { fastEngineAllowed } from '../kernels/plan.js';
import { createKernelModule, type KernelExports, type KernelModule } from '../kernels/wasm/module.js';

/**
 * Bilinear sample positions along one axis, as byte offsets in the frame (x: pixel * 3 within a
 * row; y: row * row bytes), and the weight of the upper sample.
 */
export interface AxisSamples {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float32Array;
}

/** The model input the resampler holds, and where the content of one frame goes in it. */
export interface PlanarTarget {
  /** float32 planes take any gain and bias; uint8 planes only raw pixels (gain 1, bias 0). */
  readonly dtype: 'float32' | 'uint8';
  /** Elements in the whole input (three planes, padding included). */
  readonly length: number;
  /** Element offset of the first content pixel in each frame channel's (R, G, B) plane. */
  readonly planes: readonly [number, number, number];
  /** Elements from one output row to the next. */
  readonly rowStride: number;
  /** Per frame channel (R, G, B): plane value = sample * gain + bias. */
  readonly gain: readonly [number, number, number];
  readonly bias: readonly [number, number, number];
}

/**
 * Whether the resampler takes I420 planes of frames this size: even, and at least 16 wide for the
 * SIMD passes (jpeg-replay.ts's i420Fits only asks for even).
 */
const planesFit = (width: number, height: number) => width >= 16 && width % 2 === 0 && height % 2 === 0;

/**
 * True when every sample of the axis sits midway between two neighbours (`step` apart) and
 * consecutive samples are two neighbours on: an exact halving, where bilinear is a 2x2 mean.
 */
function halves(axis: AxisSamples, step: number): boolean {
  const { lo, hi, frac } = axis;
  for (let i = 0; i < lo.length; i++) {
    if (frac[i] !== 0.5 || hi[i] !== lo[i]! + step || lo[i] !== lo[0]! + 2 * step * i) return false;
  }
  return true;
}

/**
 * The WebAssembly SIMD path of InputTensor for its commonest cases, an RGB frame into NCHW planes,
 * in one call per frame. An exact halving (640x480 into a 320x320 letterbox) is a 2x2 mean
 * (src/kernels/wasm/assembly/halve.ts), into float32 or, for quantised models that take raw
 * pixels, uint8; any other size is a separable bilinear with normalisation (resize.ts), float32
 * only. The model input itself lives in the memory of a module instance of its own (`tensor`), so
 * the pass writes the planes where the runtime reads them: each frame is copied in, nothing is
 * copied out, and the tables are written once.
 * @example const r = RgbPlanarResampler.create(640, 480, xs, ys, target); r?.run(frame.data); r?.tensor
 */
export class RgbPlanarResampler {
  readonly #mod: KernelModule;
  readonly #frameBytes: number;
  /** Which pass runs: the 2x2 mean of an exact halving, or the general bilinear. */
  readonly pass: 'halve' | 'bilinear';
  /** The whole model input, a view of the module's memory (which never grows after creation). */
  readonly tensor: Float32Array | Uint8Array;
  /** Where the frame is copied in the module's memory. */
  readonly #src: number;
  /** Where an I420 frame is copied, to be converted into #src (0: frames of this size cannot be I420). */
  readonly #i420: number;
  readonly #frameWidth: number;
  readonly #frameHeight: number;
  /** The pass, with every address and table bound (they stay put: the memory never grows). */
  readonly #pass: () => void;
  /** The exact halving straight from I420 planes at #i420, where the frame's blocks fit its chroma. */
  readonly #passI420: (() => void) | undefined;

  private constructor(
    mod: KernelModule,
    frameWidth: number,
    frameHeight: number,
    x: AxisSamples,
    y: AxisSamples,
    target: PlanarTarget,
    halve: boolean,
  ) {
    this.#mod = mod;
    this.pass = halve ? 'halve' : 'bilinear';
    this.#frameBytes = frameWidth * frameHeight * 3;
    this.#frameWidth = frameWidth;
    this.#frameHeight = frameHeight;
    const at = reserveRegions(mod, frameWidth, frameHeight, x.lo.length, y.lo.length, target, halve);
    this.#src = at.src;
    this.#i420 = at.i420;
    const { dtype, length } = target;
    this.tensor =
      dtype === 'float32'
        ? new Float32Array(mod.bytes.buffer, at.tensor, length)
        : new Uint8Array(mod.bytes.buffer, at.tensor, length);
    const out = planesOut(at.tensor, target);
    const rowLength = frameWidth * 3;
    if (halve) {
      const first = at.src + x.lo[0]! + y.lo[0]!;
      this.#pass = halvePass(mod.exports, dtype, first, rowLength, x.lo.length, y.lo.length, out);
      this.#passI420 = halveI420Pass(mod.exports, dtype, at.i420, frameWidth, frameHeight, x, y, out);
      return;
    }
    this.#passI420 = undefined;
    this.#pass = bilinearPass(mod, at, rowLength, x, y, out);
  }

  /**
   * A resampler from frames of this size into a model input it holds, or undefined where
   * WebAssembly SIMD is unavailable or switched off (EDGECAM_KERNEL_ENGINE=typescript), or where
   * it has no pass for the case (uint8 planes that are not an exact halving of raw pixels). `x`
   * and `y` as InputTensor's tables.
   */
  static create(
    frameWidth: number,
    frameHeight: number,
    x: AxisSamples,
    y: AxisSamples,
    target: PlanarTarget,
  ): RgbPlanarResampler | undefined {
    if (x.lo.length === 0 || y.lo.length === 0) return undefined;
    const halve = halves(x, 3) && halves(y, frameWidth * 3);
    const raw = target.gain.every((g) => g === 1) && target.bias.every((b) => b === 0);
    if (target.dtype === 'uint8' && !(halve && raw)) return undefined;
    const mod = fastEngineAllowed() ? createKernelModule() : undefined;
    if (mod === undefined) return undefined;
    return new RgbPlanarResampler(mod, frameWidth, frameHeight, x, y, target, halve);
  }

  /** Resamples packed RGB `frame` (this resampler's size) into the tensor's planes. */
  run(frame: Uint8Array): void {
    const n = this.#frameBytes;
    this.#mod.bytes.set(frame.length === n ? frame : frame.subarray(0, n), this.#src);
    this.#pass();
  }

  /**
   * As run, from the frame's I420 planes, copied in (half the bytes of RGB). An exact halving
   * reads them directly (halveI420Planar: each block's mean converted, which differs from the
   * mean of converted pixels only where they clamp differently); other passes convert to RGB in
   * the module's memory first (kernels/i420.ts's pass). False, having done nothing, when frames of
   * this size cannot be I420 here (odd, or under 16 pixels wide).
   */
  runI420(i420: Uint8Array): boolean {
    if (this.#i420 === 0) return false;
    const width = this.#frameWidth;
    const height = this.#frameHeight;
    const n = i420Size(width, height);
    const y = this.#i420;
    this.#mod.bytes.set(i420.length === n ? i420 : i420.subarray(0, n), y);
    if (this.#passI420 !== undefined) {
      this.#passI420();
      return true;
    }
    const u = y + width * height;
    this.#mod.exports.i420ToRgb(y, u, u + (width >> 1) * (height >> 1), width, height, this.#src);
    this.#pass();
    return true;
  }
}

/** Addresses in the module's memory of the regions a resampler uses (absolute, base included). */
interface Regions {
  /** The packed RGB frame. */
  readonly src: number;
  /** The bilinear pass's row buffer (unused by the halving). */
  readonly row: number;
  /** The bilinear pass's sample tables (unused by the halving). */
  readonly tables: number;
  /** The model input. */
  readonly tensor: number;
  /** Where an I420 frame is copied; 0 when frames of this size cannot be I420. */
  readonly i420: number;
}

/** Lays out and reserves the resampler's regions; the memory never grows after this. */
function reserveRegions(
  mod: KernelModule,
  frameWidth: number,
  frameHeight: number,
  nx: number,
  ny: number,
  target: PlanarTarget,
  halve: boolean,
): Regions {
  const size = target.dtype === 'float32' ? 4 : 1;
  const layout = new ScratchLayout();
  const src = layout.take(frameWidth * frameHeight * 3 + 16);
  const row = halve ? 0 : layout.take(frameWidth * 3 * 4 + 64);
  const tables = halve ? 0 : layout.take((3 * nx + 3 * ny) * 4);
  const tensor = layout.take(target.length * size);
  // The I420 pass takes 16 pixels a step, so a frame at least 16 wide.
  const i420 = planesFit(frameWidth, frameHeight) ? layout.take(i420Size(frameWidth, frameHeight)) : -1;
  mod.reserve(layout.size);
  const base = mod.base;
  return {
    src: base + src,
    row: base + row,
    tables: base + tables,
    tensor: base + tensor,
    i420: i420 < 0 ? 0 : base + i420,
  };
}

/** Where a pass writes: each frame channel's plane (addresses), the row stride in bytes, gain and bias. */
interface PlanesOut {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly stride: number;
  readonly gain: readonly [number, number, number];
  readonly bias: readonly [number, number, number];
}

/** The target's planes as addresses in a tensor at `at`. */
function planesOut(at: number, target: PlanarTarget): PlanesOut {
  const size = target.dtype === 'float32' ? 4 : 1;
  const { planes, rowStride, gain, bias } = target;
  return {
    r: at + planes[0] * size,
    g: at + planes[1] * size,
    b: at + planes[2] * size,
    stride: rowStride * size,
    gain,
    bias,
  };
}

/** The 2x2 mean of an exact halving from the RGB frame, whose first block starts at `first`. */
function halvePass(
  e: KernelExports,
  dtype: PlanarTarget['dtype'],
  first: number,
  rowLength: number,
  nx: number,
  ny: number,
  out: PlanesOut,
): () => void {
  const { r, g, b, stride } = out;
  const [gR, gG, gB] = out.gain;
  const [bR, bG, bB] = out.bias;
  return dtype === 'float32'
    ? () => e.halveRgbPlanar(first, rowLength, nx, ny, r, g, b, stride, gR, gG, gB, bR, bG, bB)
    : () => e.halveRgbPlanarU8(first, rowLength, nx, ny, r, g, b, stride);
}

/**
 * The exact halving straight from the I420 planes at `i420`, or undefined where the frame has none
 * or its blocks do not fit the chroma samples.
 */
function halveI420Pass(
  e: KernelExports,
  dtype: PlanarTarget['dtype'],
  i420: number,
  frameWidth: number,
  frameHeight: number,
  x: AxisSamples,
  y: AxisSamples,
  out: PlanesOut,
): (() => void) | undefined {
  const nx = x.lo.length;
  const ny = y.lo.length;
  // From the planes, blocks must start on even pixels (each has one chroma sample) and a row
  // must hold one 8-output step.
  const x0 = x.lo[0]! / 3;
  const y0 = y.lo[0]! / (frameWidth * 3);
  if (i420 === 0 || x0 % 2 !== 0 || y0 % 2 !== 0 || nx < 8) return undefined;
  const cStride = frameWidth >> 1;
  const yFirst = i420 + y0 * frameWidth + x0;
  const uFirst = i420 + frameWidth * frameHeight + (y0 >> 1) * cStride + (x0 >> 1);
  const vFirst = uFirst + cStride * (frameHeight >> 1);
  const { r, g, b, stride } = out;
  const [gR, gG, gB] = out.gain;
  const [bR, bG, bB] = out.bias;
  return dtype === 'float32'
    ? () =>
        e.halveI420Planar(
          yFirst,
          uFirst,
          vFirst,
          frameWidth,
          cStride,
          nx,
          ny,
          r,
          g,
          b,
          stride,
          gR,
          gG,
          gB,
          bR,
          bG,
          bB,
        )
    : () => e.halveI420PlanarU8(yFirst, uFirst, vFirst, frameWidth, cStride, nx, ny, r, g, b, stride);
}

/** The separable bilinear with normalisation; writes its tables into the module's memory once. */
function bilinearPass(
  mod: KernelModule,
  at: Regions,
  rowLength: number,
  x: AxisSamples,
  y: AxisSamples,
  out: PlanesOut,
): () => void {
  const e = mod.exports;
  const nx = x.lo.length;
  const ny = y.lo.length;
  const { src, row, tables: t } = at;
  mod.words.set(bilinearTables(x, y), t >> 2);
  const yt = t + 3 * nx * 4;
  const { r, g, b, stride } = out;
  const [gR, gG, gB] = out.gain;
  const [bR, bG, bB] = out.bias;
  return () =>
    e.resizeRgbPlanar(
      src,
      rowLength,
      t,
      t + nx * 4,
      t + 2 * nx * 4,
      nx,
      yt,
      yt + ny * 4,
      yt + 2 * ny * 4,
      ny,
      row,
      r,
      g,
      b,
      stride,
      gR,
      gG,
      gB,
      bR,
      bG,
      bB,
    );
}

/** The bilinear pass's tables, as the module reads them (see #tableWords). */
function bilinearTables(x: AxisSamples, y: AxisSamples): Int32Array {
  const nx = x.lo.length;
  const ny = y.lo.length;
  const words = new Int32Array(3 * nx + 3 * ny);
  const floats = new Float32Array(words.buffer);
  for (let i = 0; i < nx; i++) {
    words[i] = x.lo[i]! * 4;
    words[nx + i] = x.hi[i]! * 4;
    floats[2 * nx + i] = x.frac[i]!;
  }
  for (let j = 0; j < ny; j++) {
    words[3 * nx + j] = y.lo[j]!;
    words[3 * nx + ny + j] = y.hi[j]!;
    floats[3 * nx + 2 * ny + j] = y.frac[j]!;
  }
  return words;
}
