import type { CameraImage } from '../frame.js';
import { fastEngineAllowed } from './plan.js';
import { createKernelModule, type KernelModule } from './wasm/module.js';

/**
 * Planar YUV 4:2:0 (I420: the Y plane, then U and V at half the width and height) into packed
 * RGB, as JPEG defines YCbCr: full range, BT.601, each chroma sample covering its 2x2 pixels. A
 * JPEG replay has ffmpeg write what its decoder produces, half the bytes of RGB and none of its
 * conversion. A frame keeps those planes (I420Image): the model's input is filled from them in
 * its worker, and RGB is made only for what reads `data` (a kernel chain, an annotated image).
 * The conversion is the kernel module's SIMD pass (0.13 ms a 640x480 frame, and 0.07 to copy it
 * out of the module) or, where WebAssembly SIMD is missing, the TypeScript loop below, which the
 * pass equals byte for byte.
 */

/** Bytes of an I420 frame; width and height must be even. */
export function i420Size(width: number, height: number): number {
  return (width * height * 3) / 2;
}

/** Throws a RangeError naming the sizes when `i420` is shorter than a width x height I420 `what`. */
function checkI420Length(i420: Uint8Array, width: number, height: number, what: 'frame' | 'image'): void {
  if (i420.length < i420Size(width, height))
    throw new RangeError(
      `a ${width}x${height} I420 ${what} takes ${i420Size(width, height)} bytes, not ${i420.length}`,
    );
}

// Q14 coefficients: R from V, G from U, G from V, B from U (1.402, 0.344136, 0.714136, 1.772).
const RV = 22970;
const GU = 5638;
const GV = 11700;
const BU = 29032;

/** d * c / 256, rounded as WebAssembly's i16x8.q15mulr_sat_s rounds (d * 128) * c / 2^15. */
const term = (d: number, c: number) => (d * 128 * c + 0x4000) >> 15;
const clamp = (x: number) => Math.max(0, Math.min(x, 255));

/**
 * The conversion in TypeScript, into `dst` (width x height x 3): the reference the SIMD pass
 * (src/kernels/wasm/assembly/yuv.ts) equals.
 * @example i420ToRgbTypeScript(i420, 640, 480, new Uint8Array(640 * 480 * 3))
 */
export function i420ToRgbTypeScript(src: Uint8Array, width: number, height: number, dst: Uint8Array): void {
  const half = width >> 1;
  const uAt = width * height;
  const vAt = uAt + half * (height >> 1);
  for (let j = 0; j < height; j++) {
    const row = (j >> 1) * half;
    for (let i = 0; i < width; i++) {
      const c = row + (i >> 1);
      const ud = src[uAt + c]! - 128;
      const vd = src[vAt + c]! - 128;
      const y = src[j * width + i]! * 64 + 32;
      const o = (j * width + i) * 3;
      dst[o] = clamp((y + term(vd, RV)) >> 6);
      dst[o + 1] = clamp((y - (term(ud, GU) + term(vd, GV))) >> 6);
      dst[o + 2] = clamp((y + term(ud, BU)) >> 6);
    }
  }
}

/** Rows converted at a time by the SIMD pass (even, so each band has whole chroma rows). */
const BAND_ROWS = 32;

/**
 * A converter for one frame size: `convert(i420)` gives the frame as RGB, in a new array the
 * caller keeps (i420ToRgb below uses one per size and thread). The SIMD pass runs in a kernel
 * module of its own, a band of rows at a time: its memory holds one band (92 KB at 640 wide)
 * rather than a whole frame and its RGB (1.4 MB at 640x480), for the same work.
 * @example const rgb = new I420ToRgb(640, 480); const pixels = rgb.convert(frame.i420);
 */
export class I420ToRgb {
  readonly #width: number;
  readonly #height: number;
  readonly #module: KernelModule | undefined;
  /** Where a band's planes and RGB go in the module's scratch; a shorter last band uses less of each. */
  readonly #band: BandLayout;

  constructor(width: number, height: number) {
    if (width % 2 !== 0 || height % 2 !== 0 || width <= 0 || height <= 0)
      throw new RangeError(`an I420 frame has an even width and height, not ${width}x${height}`);
    this.#width = width;
    this.#height = height;
    // The pass takes 16 pixels a step and needs at least one step a row.
    const mod = width >= 16 && fastEngineAllowed() ? createKernelModule() : undefined;
    this.#band = bandLayout(width, BAND_ROWS);
    // Reserved once: the memory never grows after this, so the views stay valid.
    mod?.reserve(this.#band.bytes);
    this.#module = mod;
  }

  /** `i420` (at least this size's bytes) as packed RGB (width x height x 3). */
  convert(i420: Uint8Array): Uint8Array {
    const width = this.#width;
    const height = this.#height;
    checkI420Length(i420, width, height, 'frame');
    const rgb = new Uint8Array(width * height * 3);
    const mod = this.#module;
    if (mod === undefined) {
      i420ToRgbTypeScript(i420, width, height, rgb);
      return rgb;
    }
    const half = width >> 1;
    const uPlane = width * height;
    const vPlane = uPlane + half * (height >> 1);
    const { bytes, base: y } = mod;
    const u = y + this.#band.u;
    const v = y + this.#band.v;
    const out = y + this.#band.rgb;
    for (let row = 0; row < height; row += BAND_ROWS) {
      const rows = Math.min(BAND_ROWS, height - row);
      const chroma = (row >> 1) * half;
      const chromaBytes = (rows >> 1) * half;
      bytes.set(i420.subarray(row * width, (row + rows) * width), y);
      bytes.set(i420.subarray(uPlane + chroma, uPlane + chroma + chromaBytes), u);
      bytes.set(i420.subarray(vPlane + chroma, vPlane + chroma + chromaBytes), v);
      mod.exports.i420ToRgb(y, u, v, width, rows, out);
      rgb.set(bytes.subarray(out, out + rows * width * 3), row * width * 3);
    }
    return rgb;
  }
}

interface BandLayout {
  readonly u: number;
  readonly v: number;
  readonly rgb: number;
  readonly bytes: number;
}

/** Where a band of `rows` rows keeps its planes and its RGB, from the scratch area's start (RGB 64-byte aligned). */
function bandLayout(width: number, rows: number): BandLayout {
  const u = width * rows;
  const v = u + (width >> 1) * (rows >> 1);
  const rgb = Math.ceil((v + (width >> 1) * (rows >> 1)) / 64) * 64;
  return { u, v, rgb, bytes: rgb + width * rows * 3 };
}

// One converter per frame size, per thread: a camera has one size, and a few at most come and go.
const converters = new Map<string, I420ToRgb>();
const MAX_CONVERTERS = 4;

/**
 * `i420` (width x height, even) as packed RGB, in a new array.
 * @example const rgb = i420ToRgb(planes, 640, 480);
 */
export function i420ToRgb(i420: Uint8Array, width: number, height: number): Uint8Array {
  const key = `${width}x${height}`;
  let converter = converters.get(key);
  if (converter === undefined) {
    if (converters.size >= MAX_CONVERTERS) converters.clear();
    converter = new I420ToRgb(width, height);
    converters.set(key, converter);
  }
  return converter.convert(i420);
}

/**
 * An RGB image held as its I420 planes: `data` is converted on first read and kept.
 * @example const image = new I420Image(640, 480, planes); model.run(image) // reads image.i420
 */
export class I420Image implements CameraImage {
  readonly channels: 1 | 3 = 3;
  #data: Uint8Array | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly i420: Uint8Array,
  ) {
    checkI420Length(i420, width, height, 'image');
  }

  get data(): Uint8Array {
    this.#data ??= i420ToRgb(this.i420, this.width, this.height);
    return this.#data;
  }
}
