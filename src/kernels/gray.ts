import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { describe } from './describe.js';
import { checkImage, prepareUint8Out } from './image.js';

/**
 * The 8-bit BT.601 gray level of one RGB pixel: (77 R + 150 G + 29 B + 128) >> 8, the integer
 * form libjpeg uses (weights 0.299, 0.587, 0.114 in 1/256 steps, summing to 256 so white stays
 * 255), exact in integers, so the wasm edge pass computes the same bytes.
 * @example grayLevel(255, 255, 255) // 255
 */
export function grayLevel(r: number, g: number, b: number): number {
  return (77 * r + 150 * g + 29 * b + 128) >> 8;
}

/**
 * An RGB image as 8-bit gray (see grayLevel), into `out` when given (a 1-channel image of the
 * same width and height), else into a new image.
 * @example const gray = rgbToGray(frame); // 640x480x3 -> 640x480x1
 */
export function rgbToGray(
  input: Image<Uint8Array | Uint8ClampedArray>,
  out?: Image<Uint8Array>,
): Image<Uint8Array> {
  checkImage(input, 'input');
  const { width, height, channels, data } = input;
  if (channels !== 3) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a 3-channel (RGB) image for rgbToGray but received ${channels} channel(s)${channels === 1 ? ': the image is gray already, use it as it is' : ''}`,
    );
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected 8-bit RGB data (Uint8Array) for rgbToGray but received ${describe(data)}: convert with toUint8 first`,
    );
  }
  const target = prepareUint8Out(out, { width, height, channels: 1 }, input);
  const dst = target.data;
  const n = width * height;
  for (let i = 0, s = 0; i < n; i++, s += 3) {
    dst[i] = grayLevel(data[s]!, data[s + 1]!, data[s + 2]!);
  }
  return target;
}
