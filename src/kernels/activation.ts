import type { Image } from '../frame.js';
import { checkImage, prepareFloatOut } from './image.js';

/**
 * ReLU: negative values become 0, the rest pass (seed 002, seed 004). In place when out === input.
 * @example relu(featureMap, featureMap) // in place
 */
export function relu(input: Image, out?: Image<Float32Array>): Image<Float32Array> {
  checkImage(input, 'input');
  // In place is safe here (each output reads only its own input), so it skips the aliasing check.
  const inPlace = out === input && input.data instanceof Float32Array;
  const target = inPlace ? (input as Image<Float32Array>) : prepareFloatOut(out, input, input);
  const src = input.data;
  const dst = target.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    dst[i] = Math.max(v, 0);
  }
  return target;
}
