import { EdgecamError, isEdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { describe } from './describe.js';
import { checkImage, prepareFloatOut } from './image.js';
import { outputSize } from './size.js';

/** A pooling window: size x size, moved by stride (default: size, non-overlapping windows). */
export interface PoolOptions {
  readonly size: number;
  readonly stride?: number;
}

/**
 * Max pooling per channel, no padding: each output is the largest value in its window (seed 002).
 * Sizes come from outputSize(I, size, 0, stride); a size that is not whole is an error.
 * @example maxPool2d(featureMap, { size: 2 }) // half the width and height
 */
export function maxPool2d(
  input: Image,
  options: PoolOptions,
  out?: Image<Float32Array>,
): Image<Float32Array> {
  return pool(input, options, out, true);
}

/**
 * Average pooling per channel, no padding: each output is the mean of its window.
 * @example avgPool2d(featureMap, { size: 2, stride: 2 })
 */
export function avgPool2d(
  input: Image,
  options: PoolOptions,
  out?: Image<Float32Array>,
): Image<Float32Array> {
  return pool(input, options, out, false);
}

function pool(input: Image, options: PoolOptions, out: Image<Float32Array> | undefined, max: boolean) {
  checkImage(input, 'input');
  const size = options?.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a positive integer for the pooling size but received ${describe(size)}`,
    );
  }
  const stride = options.stride ?? size;
  const { width: W, height: H, channels: C, data: src } = input;
  const OW = axisSize(W, size, stride, 'width');
  const OH = axisSize(H, size, stride, 'height');
  const target = prepareFloatOut(out, { width: OW, height: OH, channels: C }, input);
  const dst = target.data;
  const area = size * size;
  let o = 0;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const base = (oy * stride * W + ox * stride) * C;
      for (let c = 0; c < C; c++) {
        let acc = max ? Number.NEGATIVE_INFINITY : 0;
        for (let ky = 0; ky < size; ky++) {
          let p = base + ky * W * C + c;
          for (let kx = 0; kx < size; kx++, p += C) {
            const v = src[p]!;
            if (max) {
              if (v > acc) acc = v;
            } else acc += v;
          }
        }
        dst[o++] = max ? acc : acc / area;
      }
    }
  }
  return target;
}

function axisSize(I: number, F: number, S: number, axis: string): number {
  try {
    return outputSize(I, F, 0, S);
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    throw new EdgecamError(err.code, `Pooling along the ${axis} axis: ${err.message}`, { cause: err });
  }
}
