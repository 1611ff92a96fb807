/**
 * Test helpers for the kernel engine: random images and weights (from a seeded PRNG, so failures
 * reproduce) and slow, obviously correct reference implementations written straight from the
 * formulas, with explicit index clamping and mirroring instead of the engine's precomputed maps.
 */
import { expect } from 'vitest';
import type { Image } from '../../../src/frame.js';
import type { BorderFill, ConvMode, Kernel, Padding } from '../../../src/kernels/types.js';

/** A random image: 0..255 integers in a Uint8Array, or floats in -1..1 in a Float32Array. */
export function randomImage(
  random: () => number,
  width: number,
  height: number,
  channels: number,
  type: 'uint8' | 'float32' = 'uint8',
): Image {
  const n = width * height * channels;
  if (type === 'uint8') {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.floor(random() * 256);
    return { width, height, channels, data };
  }
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = random() * 2 - 1;
  return { width, height, channels, data };
}

/** Random weights in -2..2 as rows (height x width). */
export function randomRows(random: () => number, width: number, height: number): number[][] {
  return Array.from({ length: height }, () => Array.from({ length: width }, () => random() * 4 - 2));
}

/** A gray Float32 image from rows of numbers. */
export function grayImage(rows: number[][]): Image<Float32Array> {
  const height = rows.length;
  const width = rows[0]!.length;
  return { width, height, channels: 1, data: Float32Array.from(rows.flat()) };
}

/** The rows of a 1-channel image, for readable expectations. */
export function rowsOf(img: Image): number[][] {
  const rows: number[][] = [];
  for (let y = 0; y < img.height; y++) {
    rows.push(
      Array.from(img.data.subarray(y * img.width * img.channels, (y + 1) * img.width * img.channels)),
    );
  }
  return rows;
}

/** An image-shaped grid of any numbers (the references compute in float64). */
export interface Grid {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: ArrayLike<number>;
}

export interface ReferenceOptions {
  mode: ConvMode;
  padding: Padding;
  border: BorderFill;
  stride: number;
}

/** P for one axis, straight from the definitions. */
export function referencePadding(padding: Padding, F: number): number {
  if (padding === 'valid') return 0;
  if (padding === 'same') return (F - 1) / 2;
  if (padding === 'full') return F - 1;
  return padding;
}

/** Whether outputSize accepts these numbers (a whole output size >= 1, odd F for 'same'). */
export function referenceSizeOk(I: number, F: number, padding: Padding, S: number): boolean {
  if (padding === 'same' && F % 2 === 0) return false;
  const P = referencePadding(padding, F);
  const span = I - F + 2 * P;
  return span >= 0 && span % S === 0;
}

/** The value at (y, x, c) of the input padded by `border`; mirrors one step at a time for reflect. */
export function padded(img: Grid, y: number, x: number, c: number, border: BorderFill): number {
  const fix = (i: number, n: number): number | undefined => {
    if (i >= 0 && i < n) return i;
    if (border === 'zero') return undefined;
    if (border === 'edge') return Math.min(Math.max(i, 0), n - 1);
    if (n === 1) return 0;
    while (i < 0 || i >= n) {
      if (i < 0) i = -i;
      if (i >= n) i = 2 * (n - 1) - i;
    }
    return i;
  };
  const yy = fix(y, img.height);
  const xx = fix(x, img.width);
  if (yy === undefined || xx === undefined) return 0;
  return img.data[(yy * img.width + xx) * img.channels + c]!;
}

/** conv2d by the formula: out[oy][ox][c] = sum padded[oy*S+ky-P][ox*S+kx-P][c] * K'[ky][kx]. */
export function referenceConv2d(img: Image, k: Kernel, o: ReferenceOptions): Grid {
  const Py = referencePadding(o.padding, k.height);
  const Px = referencePadding(o.padding, k.width);
  const OH = (img.height - k.height + 2 * Py) / o.stride + 1;
  const OW = (img.width - k.width + 2 * Px) / o.stride + 1;
  const OC = k.depth === 1 ? img.channels : 1;
  const weight = (ky: number, kx: number, d: number): number => {
    const y = o.mode === 'convolve' ? k.height - 1 - ky : ky;
    const x = o.mode === 'convolve' ? k.width - 1 - kx : kx;
    return k.weights[(y * k.width + x) * k.depth + d]!;
  };
  const data = new Float64Array(OW * OH * OC);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      for (let c = 0; c < OC; c++) {
        let sum = 0;
        for (let ky = 0; ky < k.height; ky++) {
          for (let kx = 0; kx < k.width; kx++) {
            for (let d = 0; d < k.depth; d++) {
              const channel = k.depth === 1 ? c : d;
              sum +=
                padded(img, oy * o.stride + ky - Py, ox * o.stride + kx - Px, channel, o.border) *
                weight(ky, kx, d);
            }
          }
        }
        data[(oy * OW + ox) * OC + c] = sum;
      }
    }
  }
  return { width: OW, height: OH, channels: OC, data };
}

/** Asserts same shape and values within a float32 tolerance relative to the largest magnitude. */
export function expectImageClose(actual: Grid, expected: Grid, label: string, relative = 1e-5): void {
  expect([actual.width, actual.height, actual.channels], label).toEqual([
    expected.width,
    expected.height,
    expected.channels,
  ]);
  expectArrayClose(actual.data, expected.data, label, relative);
}

/** Asserts equal length and values within `relative` x (1 + the largest expected magnitude). */
export function expectArrayClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  relative = 1e-5,
): void {
  expect(actual.length, label).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  let where = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= worst)) {
      worst = diff;
      where = i;
    }
  }
  expect(worst, `${label}: largest difference at index ${where}`).toBeLessThanOrEqual(relative * scale);
}

/** Runs fn and returns the error it throws (failing the test if it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected the call to throw, but it returned');
}
