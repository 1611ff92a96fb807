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

/** Where the content of one frame goes: output rows of `width` floats, three planes. */
export interface PlanarTarget {
  readonly data: Float32Array;
  /** Element offset of the first content pixel in each frame channel's (R, G, B) plane. */
  readonly planes: readonly [number, number, number];
  /** Elements from one output row to the next. */
  readonly rowStride: number;
  /** Per frame channel (R, G, B): plane value = sample * gain + bias. */
  readonly gain: readonly [number, number, number];
  readonly bias: readonly [number, number, number];
}

/**
 * The WebAssembly SIMD path of InputTensor for its commonest case, an RGB frame into a float32
 * NCHW input: bilinear resample plus normalisation in one call (src/kernels/wasm/assembly/resize.ts),
 * 0.26 ms against the TypeScript loop's 0.62 for 640x480 into 320x320. Tables and scratch are laid
 * out once per frame size; the frame is copied into the module's memory and the planes copied out
 * (0.02 ms of the 0.26), because the module's scratch is shared by every plan of the thread.
 * @example const r = RgbPlanarResampler.create(640, 480, xs, ys); r?.run(frame.data, target)
 */
export class RgbPlanarResampler {
  readonly #mod: KernelModule;
  readonly #frameBytes: number;
  /** Bytes in a frame row, floats in the blended row. */
  readonly #rowLength: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #src: number;
  readonly #row: number;
  readonly #tables: number;
  readonly #dst: number;
  /** xLo, xHi (byte offsets in the float row), xFrac, yLo, yHi (byte offsets in the frame), yFrac. */
  readonly #tableWords: Int32Array;

  private constructor(
    mod: KernelModule,
    frameWidth: number,
    frameHeight: number,
    x: AxisSamples,
    y: AxisSamples,
  ) {
    this.#mod = mod;
    this.#frameBytes = frameWidth * frameHeight * 3;
    this.#rowLength = frameWidth * 3;
    const nx = x.lo.length;
    const ny = y.lo.length;
    this.#nx = nx;
    this.#ny = ny;
    const layout = new ScratchLayout();
    this.#src = layout.take(this.#frameBytes + 16);
    this.#row = layout.take(frameWidth * 3 * 4 + 64);
    this.#tables = layout.take((3 * nx + 3 * ny) * 4);
    this.#dst = layout.take(3 * nx * ny * 4);
    mod.reserve(layout.size);
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
    this.#tableWords = words;
  }

  /**
   * A resampler for frames of this size, or undefined where WebAssembly SIMD is unavailable or
   * switched off (EDGECAM_KERNEL_ENGINE=typescript). `x` and `y` as InputTensor's tables.
   */
  static create(
    frameWidth: number,
    frameHeight: number,
    x: AxisSamples,
    y: AxisSamples,
  ): RgbPlanarResampler | undefined {
    const mod = fastEngineAllowed() ? loadKernelModule() : undefined;
    if (mod === undefined || x.lo.length === 0 || y.lo.length === 0) return undefined;
    return new RgbPlanarResampler(mod, frameWidth, frameHeight, x, y);
  }

  /** Resamples packed RGB `frame` (this resampler's size) into `target`'s planes. */
  run(frame: Uint8Array, target: PlanarTarget): void {
    const mod = this.#mod;
    const base = mod.base;
    const nx = this.#nx;
    const ny = this.#ny;
    // The scratch is shared: tables and frame go in on every run (the tables are 12 bytes a row or column).
    mod.words.set(this.#tableWords, (base + this.#tables) >> 2);
    mod.bytes.set(frame.subarray(0, this.#frameBytes), base + this.#src);
    const t = base + this.#tables;
    const dst = base + this.#dst;
    const planeBytes = nx * ny * 4;
    const [gR, gG, gB] = target.gain;
    const [bR, bG, bB] = target.bias;
    mod.exports.resizeRgbPlanar(
      base + this.#src,
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
    const out = new Float32Array(mod.bytes.buffer, dst, 3 * nx * ny);
    const { data, rowStride } = target;
    for (let c = 0; c < 3; c++) {
      const plane = out.subarray(c * nx * ny, (c + 1) * nx * ny);
      const at = target.planes[c]!;
      if (rowStride === nx) data.set(plane, at);
      else for (let j = 0; j < ny; j++) data.set(plane.subarray(j * nx, (j + 1) * nx), at + j * rowStride);
    }
  }
}
