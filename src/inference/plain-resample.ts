import type { InputData } from './tensor.js';

/**
 * The TypeScript path of the model input: bilinear resample, normalise and lay out a frame into
 * the input tensor, on tables made once per frame size (InputTensor in tensor.ts decides when it
 * runs; the WebAssembly SIMD path is wasm-resample.ts, and the tests hold the two together).
 */

// ITU-R BT.601 luma, what sharp's and OpenCV's gray conversions use.
export const LUMA = [0.299, 0.587, 0.114] as const;

/** One axis's source samples and weights, worked out once per frame size. */
export interface AxisMap {
  /** Index of the lower source sample (x: premultiplied by channels; y: premultiplied by the row stride). */
  lo: Int32Array;
  hi: Int32Array;
  /** Weight of the upper sample, 0..1. */
  frac: Float32Array;
  /** Every weight is 0: output pixels sit exactly on source pixels. */
  exact: boolean;
}

/**
 * What the TypeScript pass needs for one frame size, worked out when the size first comes: where
 * the content goes in the input, which frame channel feeds each model channel, gain and bias.
 */
export interface PlainPass {
  readonly frameChannels: number;
  /** The model takes one (gray) channel. */
  readonly gray: boolean;
  /** Integer inputs round and clamp to [min, max]. */
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The input's width, and elements from one pixel to the next and one channel to the next. */
  readonly width: number;
  readonly pixStride: number;
  readonly plane: number;
  /** The content's top-left pixel in the input, and its width. */
  readonly x0: number;
  readonly y0: number;
  readonly nx: number;
  /** Frame channel, gain and bias of model channels 0, 1, 2. */
  readonly s0: number;
  readonly s1: number;
  readonly s2: number;
  readonly g0: number;
  readonly g1: number;
  readonly g2: number;
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
}

/** The TypeScript pass: bilinear resample, normalise and lay out `src` into `out`. */
export function resample(src: Uint8Array, out: InputData, k: PlainPass, xm: AxisMap, ym: AxisMap): void {
  if (xm.exact && ym.exact && !k.gray && k.frameChannels === 3 && !k.integer) copyRgb(src, out, k, xm, ym);
  else if (k.gray) resampleGray(src, out, k, xm, ym);
  else resampleColour(src, out, k, xm, ym);
}

/** Same size (a 640x480 frame letterboxed into 640x640): no interpolation, just the affine pass. */
function copyRgb(src: Uint8Array, out: InputData, k: PlainPass, xm: AxisMap, ym: AxisMap): void {
  const { width: W, x0, y0, nx, pixStride, plane, s0, s1, s2, g0, g1, g2, b0, b1, b2 } = k;
  const xlo = xm.lo;
  const ylo = ym.lo;
  for (let j = 0; j < ylo.length; j++) {
    const row = ylo[j]!;
    let o = ((y0 + j) * W + x0) * pixStride;
    for (let i = 0; i < nx; i++, o += pixStride) {
      const a = row + xlo[i]!;
      out[o] = src[a + s0]! * g0 + b0;
      out[o + plane] = src[a + s1]! * g1 + b1;
      out[o + 2 * plane] = src[a + s2]! * g2 + b2;
    }
  }
}

/** Into a gray input: a gray frame's one channel, or an RGB frame's luma. */
function resampleGray(src: Uint8Array, out: InputData, k: PlainPass, xm: AxisMap, ym: AxisMap): void {
  const { frameChannels: FC, width: W, x0, y0, nx, pixStride, g0, b0, integer, min, max } = k;
  const { lo: xlo, hi: xhi, frac: xf } = xm;
  const { lo: ylo, hi: yhi, frac: yf } = ym;
  for (let j = 0; j < ylo.length; j++) {
    const rowA = ylo[j]!;
    const rowB = yhi[j]!;
    const fy = yf[j]!;
    let o = ((y0 + j) * W + x0) * pixStride;
    for (let i = 0; i < nx; i++, o += pixStride) {
      const a = rowA + xlo[i]!;
      const b = rowA + xhi[i]!;
      const cc = rowB + xlo[i]!;
      const d = rowB + xhi[i]!;
      const fx = xf[i]!;
      let v: number;
      if (FC === 1) v = bilerp(src[a]!, src[b]!, src[cc]!, src[d]!, fx, fy);
      else {
        const r = bilerp(src[a]!, src[b]!, src[cc]!, src[d]!, fx, fy);
        const g = bilerp(src[a + 1]!, src[b + 1]!, src[cc + 1]!, src[d + 1]!, fx, fy);
        const bl = bilerp(src[a + 2]!, src[b + 2]!, src[cc + 2]!, src[d + 2]!, fx, fy);
        v = LUMA[0] * r + LUMA[1] * g + LUMA[2] * bl;
      }
      v = v * g0 + b0;
      if (integer) v = clampRound(v, min, max);
      out[o] = v;
    }
  }
}

/** Into a three-channel input, from a gray frame (every channel from its one) or an RGB frame. */
function resampleColour(src: Uint8Array, out: InputData, k: PlainPass, xm: AxisMap, ym: AxisMap): void {
  const { width: W, x0, y0, nx, pixStride, plane, s0, s1, s2, g0, g1, g2, b0, b1, b2 } = k;
  const { integer, min, max } = k;
  const { lo: xlo, hi: xhi, frac: xf } = xm;
  const { lo: ylo, hi: yhi, frac: yf } = ym;
  for (let j = 0; j < ylo.length; j++) {
    const rowA = ylo[j]!;
    const rowB = yhi[j]!;
    const fy = yf[j]!;
    let o = ((y0 + j) * W + x0) * pixStride;
    for (let i = 0; i < nx; i++, o += pixStride) {
      const a = rowA + xlo[i]!;
      const b = rowA + xhi[i]!;
      const cc = rowB + xlo[i]!;
      const d = rowB + xhi[i]!;
      const fx = xf[i]!;
      let v0 = bilerp(src[a + s0]!, src[b + s0]!, src[cc + s0]!, src[d + s0]!, fx, fy) * g0 + b0;
      let v1 = bilerp(src[a + s1]!, src[b + s1]!, src[cc + s1]!, src[d + s1]!, fx, fy) * g1 + b1;
      let v2 = bilerp(src[a + s2]!, src[b + s2]!, src[cc + s2]!, src[d + s2]!, fx, fy) * g2 + b2;
      if (integer) {
        v0 = clampRound(v0, min, max);
        v1 = clampRound(v1, min, max);
        v2 = clampRound(v2, min, max);
      }
      out[o] = v0;
      out[o + plane] = v1;
      out[o + 2 * plane] = v2;
    }
  }
}

/** Bilinear interpolation between four samples. */
function bilerp(a: number, b: number, c: number, d: number, fx: number, fy: number): number {
  const top = a + (b - a) * fx;
  const bottom = c + (d - c) * fx;
  return top + (bottom - top) * fy;
}

/** Rounds to the nearest integer and clamps to [lo, hi]. */
export function clampRound(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/**
 * Source sample pairs and weights for output pixels [from, to) along one axis, with half-pixel
 * centres: src = (dst + 0.5 - offset) / scale - 0.5, clamped to the frame (OpenCV's INTER_LINEAR).
 */
export function axisMap(
  from: number,
  to: number,
  scale: number,
  offset: number,
  size: number,
  stride: number,
): AxisMap {
  const n = Math.max(0, to - from);
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const frac = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = (from + i + 0.5 - offset) / scale - 0.5;
    if (s < 0) s = 0;
    if (s > size - 1) s = size - 1;
    const s0 = Math.floor(s);
    const s1 = Math.min(s0 + 1, size - 1);
    lo[i] = s0 * stride;
    hi[i] = s1 * stride;
    frac[i] = s - s0;
  }
  return { lo, hi, frac, exact: frac.every((f) => f === 0) };
}
