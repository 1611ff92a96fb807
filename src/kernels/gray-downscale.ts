import { EdgecamError } from '../errors.js';
import type { CameraImage, Image, Shape } from '../frame.js';
import { grayLevel } from './gray.js';
import { checkShape, shapeOf } from './image.js';

/**
 * A small gray copy of a camera frame, for work that needs the picture's layout but not its
 * detail (frame differencing): each output pixel is the mean of 2x2 gray samples spread over its
 * block of the input. Sampling, not reading every pixel, keeps a frame to ~0.08 M reads at 160 px
 * wide, whatever its size; the blur that follows smooths what sampling leaves. An I420 frame is read from
 * its Y plane (gray already, and its RGB is never made); an RGB frame through grayLevel.
 */

/** This many samples per block along each axis (the blur after it smooths what they miss); the loops below assume 2. */
const SAMPLES = 2;

/** A downscale planned for one input size: sample tables built once, run per frame. */
export interface GrayDownscale {
  readonly input: Shape;
  readonly output: Shape;
  /** Writes the gray copy of `frame` (of the input shape) into `out` (of the output shape). */
  run(frame: CameraImage, out: Image<Uint8Array>): Image<Uint8Array>;
}

/**
 * The output size of a downscale to `width` columns, keeping the aspect ratio (at most the input's size).
 * @example downscaledSize({ width: 1280, height: 720 }, 160) // { width: 160, height: 90 }
 */
export function downscaledSize(input: { width: number; height: number }, width: number): Shape {
  const w = Math.max(1, Math.min(input.width, Math.round(width)));
  const h = Math.max(1, Math.round((input.height * w) / input.width));
  return { width: w, height: h, channels: 1 };
}

/**
 * Plans a gray downscale of frames shaped `shape` to `width` columns.
 * @example const small = createGrayDownscale({ width: 1280, height: 720, channels: 3 }, 160); small.run(frame, out)
 */
export function createGrayDownscale(shape: Shape, width: number): GrayDownscale {
  checkShape(shape, 'input');
  // Callers plan from their first frame: keep its shape, not its pixels.
  const input = shapeOf(shape);
  if (input.channels !== 1 && input.channels !== 3) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a gray or RGB frame for a gray downscale but received ${input.channels} channels`,
    );
  }
  const output = downscaledSize(input, width);
  const xs = sampleTable(input.width, output.width);
  const ys = sampleTable(input.height, output.height);
  return {
    input,
    output,
    run(frame, out) {
      if (frame.width !== input.width || frame.height !== input.height || frame.channels !== input.channels) {
        throw new EdgecamError(
          'EDGECAM_ERR_ARGUMENT',
          `Expected a ${input.width}x${input.height}x${input.channels} frame for this downscale but received ${frame.width}x${frame.height}x${frame.channels}`,
        );
      }
      sample(frame, input, output, xs, ys, out.data);
      return out;
    },
  };
}

/** Per output index, SAMPLES input indices spread over its block (repeated where the block is narrower). */
function sampleTable(inSize: number, outSize: number): Int32Array {
  const table = new Int32Array(outSize * SAMPLES);
  for (let o = 0; o < outSize; o++) {
    const lo = Math.floor((o * inSize) / outSize);
    const hi = Math.max(lo + 1, Math.floor(((o + 1) * inSize) / outSize));
    for (let k = 0; k < SAMPLES; k++) {
      table[o * SAMPLES + k] = Math.min(
        inSize - 1,
        lo + Math.floor(((hi - lo) * (2 * k + 1)) / (2 * SAMPLES)),
      );
    }
  }
  return table;
}

function sample(
  frame: CameraImage,
  input: Shape,
  output: Shape,
  xs: Int32Array,
  ys: Int32Array,
  dst: Uint8Array,
): void {
  const W = input.width;
  const planes = input.channels === 3 && frame.i420 !== undefined;
  // The Y plane comes first in I420; a gray frame's data is its Y already. (`data` is read only
  // when needed: an I420 frame converts its RGB on first read, kernels/i420.ts.)
  const luma = planes ? frame.i420! : input.channels === 1 ? frame.data : undefined;
  const OW = output.width;
  if (luma !== undefined) {
    // Gray already: the 2x2 samples' mean, unrolled (the common case, an I420 camera).
    for (let oy = 0; oy < output.height; oy++) {
      const r0 = ys[oy * 2]! * W;
      const r1 = ys[oy * 2 + 1]! * W;
      for (let ox = 0; ox < OW; ox++) {
        const x0 = xs[ox * 2]!;
        const x1 = xs[ox * 2 + 1]!;
        dst[oy * OW + ox] = (luma[r0 + x0]! + luma[r0 + x1]! + luma[r1 + x0]! + luma[r1 + x1]! + 2) >> 2;
      }
    }
    return;
  }
  const rgb = frame.data;
  for (let oy = 0; oy < output.height; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let sum = 0;
      for (let ky = 0; ky < SAMPLES; ky++) {
        const row = ys[oy * SAMPLES + ky]! * W;
        for (let kx = 0; kx < SAMPLES; kx++) sum += rgbGray(rgb, (row + xs[ox * SAMPLES + kx]!) * 3);
      }
      dst[oy * OW + ox] = (sum + 2) >> 2;
    }
  }
}

function rgbGray(rgb: Uint8Array, s: number): number {
  return grayLevel(rgb[s]!, rgb[s + 1]!, rgb[s + 2]!);
}
