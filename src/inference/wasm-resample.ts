import { ScratchLayout } from '../kernels/fast/scratch.js';
import { fastEngineAllowed } from '../kernels/plan.js';
import { type KernelModule, loadKernelModule } from '../kernels/wasm/module.js';

/**
 * Bilinear sample positions along one axis, as byte offsets in the frame (x: pixel * 3 within a
 * row; y: row * row bytes), and the weight of the upper sample.
 */
export interface AxisSamples {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float32Array;
}

/** Where the content of one frame goes: output rows of `width` samples, three planes. */
export interface PlanarTarget {
  /** float32 planes take any gain and bias; uint8 planes only raw pixels (gain 1, bias 0). */
  readonly data: Float32Array | Uint8Array;
  /** Element offset of the first content pixel in each frame channel's (R, G, B) plane. */
  readonly planes: readonly [number, number, number];
  /** Elements from one output row to the next. */
  readonly rowStride: number;
  /** Per frame channel (R, G, B): plane value = sample * gain + bias. */
  readonly gain: readonly [number, number, number];
  readonly bias: readonly [number, number, number];
}

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
 * only. Tables and scratch are laid out once per frame size; the frame is copied into the module's
 * memory and the planes copied out, because the module's scratch is shared by every plan of the thread.
 * @example const r = RgbPlanarResampler.create(640, 480, xs, ys, target); r?.run(frame.data)
 */
export class RgbPlanarResampler {
  readonly #mod: KernelModule;
  readonly #target: PlanarTarget;
  readonly #frameBytes: number;
  readonly #rowLength: number;
  readonly #nx: number;
  readonly #ny: number;
  /** Byte offset in the frame of the first sample's top-left source pixel (the halving pass). */
  readonly #first: number;
  /** Which pass runs: the 2x2 mean of an exact halving, or the general bilinear. */
  readonly pass: 'halve' | 'bilinear';
  readonly #src: number;
  readonly #row: number;
  readonly #tables: number;
  readonly #dst: number;
  /** Bilinear only: xLo, xHi (byte offsets in the float row), xFrac, yLo, yHi (byte offsets in the frame), yFrac. */
  readonly #tableWords: Int32Array;
  #copyList:
    | { buffer: ArrayBufferLike; pieces: readonly { from: Float32Array | Uint8Array; at: number }[] }
    | undefined;

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
    this.#target = target;
    this.pass = halve ? 'halve' : 'bilinear';
    this.#frameBytes = frameWidth * frameHeight * 3;
    this.#rowLength = frameWidth * 3;
    this.#first = x.lo[0]! + y.lo[0]!;
    const nx = x.lo.length;
    const ny = y.lo.length;
    this.#nx = nx;
    this.#ny = ny;
    const layout = new ScratchLayout();
    this.#src = layout.take(this.#frameBytes + 16);
    this.#row = halve ? 0 : layout.take(frameWidth * 3 * 4 + 64);
    this.#tables = halve ? 0 : layout.take((3 * nx + 3 * ny) * 4);
    this.#dst = layout.take(3 * nx * ny * target.data.BYTES_PER_ELEMENT);
    mod.reserve(layout.size);
    this.#tableWords = halve ? new Int32Array(0) : bilinearTables(x, y);
  }

  /**
   * A resampler from frames of this size into `target`, or undefined where WebAssembly SIMD is
   * unavailable or switched off (EDGECAM_KERNEL_ENGINE=typescript), or where it has no pass for
   * the case (uint8 planes that are not an exact halving of raw pixels). `x` and `y` as
   * InputTensor's tables.
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
    if (target.data instanceof Uint8Array && !(halve && raw)) return undefined;
    const mod = fastEngineAllowed() ? loadKernelModule() : undefined;
    if (mod === undefined) return undefined;
    return new RgbPlanarResampler(mod, frameWidth, frameHeight, x, y, target, halve);
  }

  /** Resamples packed RGB `frame` (this resampler's size) into the target's planes. */
  run(frame: Uint8Array): void {
    const mod = this.#mod;
    const base = mod.base;
    const nx = this.#nx;
    const ny = this.#ny;
    const target = this.#target;
    const float = target.data instanceof Float32Array;
    const src = base + this.#src;
    const dst = base + this.#dst;
    const planeBytes = nx * ny * target.data.BYTES_PER_ELEMENT;
    const [gR, gG, gB] = target.gain;
    const [bR, bG, bB] = target.bias;
    mod.bytes.set(frame.length === this.#frameBytes ? frame : frame.subarray(0, this.#frameBytes), src);
    const e = mod.exports;
    if (this.pass === 'halve') {
      const first = src + this.#first;
      const g = dst + planeBytes;
      const b = dst + 2 * planeBytes;
      if (float) e.halveRgbPlanar(first, this.#rowLength, nx, ny, dst, g, b, nx * 4, gR, gG, gB, bR, bG, bB);
      else e.halveRgbPlanarU8(first, this.#rowLength, nx, ny, dst, g, b, nx);
    } else {
      // The scratch is shared: the tables go in on every run (12 bytes a row or column).
      mod.words.set(this.#tableWords, (base + this.#tables) >> 2);
      const t = base + this.#tables;
      e.resizeRgbPlanar(
        src,
        this.#rowLength,
        t,
        t + nx * 4,
        t + 2 * nx * 4,
        nx,
        t + 3 * nx * 4,
        t + (3 * nx + ny) * 4,
        t + (3 * nx + 2 * ny) * 4,
        ny,
        base + this.#row,
        dst,
        dst + planeBytes,
        dst + 2 * planeBytes,
        nx * 4,
        gR,
        gG,
        gB,
        bR,
        bG,
        bB,
      );
    }
    const data = target.data;
    for (const { from, at } of this.#copies(dst)) data.set(from, at);
  }

  /**
   * The output's pieces as views into the module's memory and where each goes in the target:
   * whole planes, or rows where the target's rows are wider (a pillarbox). Built once, and again
   * only when the memory has grown (its buffer is then a new one), not on every frame.
   */
  #copies(dst: number): readonly { from: Float32Array | Uint8Array; at: number }[] {
    const buffer = this.#mod.bytes.buffer;
    if (this.#copyList?.buffer === buffer) return this.#copyList.pieces;
    const nx = this.#nx;
    const ny = this.#ny;
    const { data, planes, rowStride } = this.#target;
    const n = 3 * nx * ny;
    const out =
      data instanceof Float32Array ? new Float32Array(buffer, dst, n) : new Uint8Array(buffer, dst, n);
    const pieces: { from: Float32Array | Uint8Array; at: number }[] = [];
    for (let c = 0; c < 3; c++) {
      const plane = out.subarray(c * nx * ny, (c + 1) * nx * ny);
      if (rowStride === nx) pieces.push({ from: plane, at: planes[c]! });
      else
        for (let j = 0; j < ny; j++)
          pieces.push({ from: plane.subarray(j * nx, (j + 1) * nx), at: planes[c]! + j * rowStride });
    }
    this.#copyList = { buffer, pieces };
    return pieces;
  }
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
