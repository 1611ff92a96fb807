import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { checkImage, prepareUint8Out } from './image.js';

/**
 * Gray dilation of a 1-channel 8-bit image: each output pixel is the largest value in the
 * (2 radius + 1) square around it, the border repeated (max pooling at stride 1, 'same' size).
 * Run as a horizontal then a vertical max (a square's max is separable), so a pixel costs
 * 2 (2 radius + 1) reads. On a 0/1 mask it grows every set region by `radius` pixels, joining
 * parts of one moving object that differencing split.
 * @example dilate(mask, 2) // a 5x5 square dilation
 */
export function dilate(
  input: Image<Uint8Array>,
  radius: number,
  out?: Image<Uint8Array>,
  scratch?: Uint8Array,
): Image<Uint8Array> {
  checkImage(input, 'input');
  if (input.channels !== 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a 1-channel image for dilate but received ${input.channels} channels`,
    );
  }
  if (!Number.isInteger(radius) || radius < 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a whole radius >= 0 for dilate but received ${radius}`,
    );
  }
  const { width: W, height: H, data: src } = input;
  const target = prepareUint8Out(out, input, input);
  const dst = target.data;
  const tmp = scratch !== undefined && scratch.length >= W * H ? scratch : new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      let m = 0;
      const lo = Math.max(0, x - radius);
      const hi = Math.min(W - 1, x + radius);
      for (let k = lo; k <= hi; k++) if (src[row + k]! > m) m = src[row + k]!;
      tmp[row + x] = m;
    }
  }
  for (let y = 0; y < H; y++) {
    const lo = Math.max(0, y - radius);
    const hi = Math.min(H - 1, y + radius);
    for (let x = 0; x < W; x++) {
      let m = 0;
      for (let k = lo; k <= hi; k++) if (tmp[k * W + x]! > m) m = tmp[k * W + x]!;
      dst[y * W + x] = m;
    }
  }
  return target;
}
