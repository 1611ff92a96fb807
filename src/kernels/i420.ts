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

/**
 * A converter for one frame size: each I420 frame is copied into `input`, then `convert()` gives
 * it as RGB, in a new array the caller keeps. `input` stays the same array for the converter's
 * life; it is the kernel module's memory when the SIMD pass runs (i420ToRgb below uses one per
 * size and thread).
 * @example const rgb = new I420ToRgb(640, 480); rgb.input.set(frame); const pixels = rgb.convert();
 */
export class I420ToRgb {
  readonly input: Uint8Array;
  readonly #width: number;
  readonly #height: number;
  readonly #module: KernelModule | undefined;
  /** Where the pass writes RGB in the module's memory. */
  readonly #out: number;

  constructor(width: number, height: number) {
    if (width % 2 !== 0 || height % 2 !== 0 || width <= 0 || height <= 0)
      throw new RangeError(`an I420 frame has an even width and height, not ${width}x${height}`);
    this.#width = width;
    this.#height = height;
    const size = i420Size(width, height);
    // The pass takes 16 pixels a step and needs at least one step a row.
    const mod = width >= 16 && fastEngineAllowed() ? createKernelModule() : undefined;
    this.#module = mod;
    this.#out = mod === undefined ? 0 : mod.base + Math.ceil(size / 64) * 64;
    if (mod === undefined) {
      this.input = new Uint8Array(size);
      return;
    }
    // Reserved once: the memory never grows after this, so the view stays valid.
    mod.reserve(this.#out - mod.base + width * height * 3);
    this.input = mod.bytes.subarray(mod.base, mod.base + size);
  }

  /** The frame in `input` as packed RGB (width x height x 3). */
  convert(): Uint8Array {
    const width = this.#width;
    const height = this.#height;
    const mod = this.#module;
    if (mod === undefined) {
      const rgb = new Uint8Array(width * height * 3);
      i420ToRgbTypeScript(this.input, width, height, rgb);
      return rgb;
    }
    const y = mod.base;
    const u = y + width * height;
    const v = u + (width >> 1) * (height >> 1);
    mod.exports.i420ToRgb(y, u, v, width, height, this.#out);
    // A new array and a set: half the time of slice() here (0.07 against 0.14 ms at 640x480).
    const rgb = new Uint8Array(width * height * 3);
    rgb.set(mod.bytes.subarray(this.#out, this.#out + rgb.length));
    return rgb;
  }
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
  converter.input.set(i420.subarray(0, converter.input.length));
  return converter.convert();
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
    if (i420.length < i420Size(width, height))
      throw new RangeError(
        `a ${width}x${height} I420 image takes ${i420Size(width, height)} bytes, not ${i420.length}`,
      );
  }

  get data(): Uint8Array {
    this.#data ??= i420ToRgb(this.i420, this.width, this.height);
    return this.#data;
  }
}
