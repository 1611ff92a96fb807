import { EdgecamError, isEdgecamError } from '../errors.js';
import { describe } from './describe.js';
import { resolvePadding } from './padding.js';
import { outputSize } from './size.js';
import type { Padding } from './types.js';

/** A convolutional layer's hyperparameters (seed 001, seed 003). */
export interface ConvLayerSpec {
  /** [height, width, channels] of the input volume. */
  readonly input: readonly [number, number, number];
  /** Number of kernels, which is the output depth. */
  readonly kernels: number;
  /** [height, width] of each kernel; its depth is the input's channels. */
  readonly size: readonly [number, number];
  readonly padding: Padding;
  readonly stride: number;
  /** One learned bias per kernel; default true (as Keras and PyTorch). */
  readonly bias?: boolean;
}

/** A layer's output volume and learnable parameter count. */
export interface ConvLayerShape {
  /** [height, width, kernels]. */
  readonly output: readonly [number, number, number];
  /** kernels * (fh * fw * channels + (bias ? 1 : 0)). */
  readonly parameters: number;
}

/**
 * Output volume and parameter count of a conv layer, sizes checked like outputSize.
 * @example convLayerShape({ input: [28, 28, 1], kernels: 16, size: [3, 3], padding: 'valid', stride: 1 }) // { output: [26, 26, 16], parameters: 160 }
 */
export function convLayerShape(spec: ConvLayerSpec): ConvLayerShape {
  const { input, kernels, size, padding, stride, bias = true } = spec;
  if (!Array.isArray(input) || input.length !== 3) {
    throw argumentError(`Expected input to be [height, width, channels] but received ${describe(input)}`);
  }
  if (!Array.isArray(size) || size.length !== 2) {
    throw argumentError(`Expected size to be [height, width] but received ${describe(size)}`);
  }
  const [h, w, c] = input;
  const [fh, fw] = size;
  for (const [name, v] of [
    ['input channels', c],
    ['kernels', kernels],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw argumentError(`Expected a positive integer for ${name} but received ${describe(v)}`);
    }
  }
  const oh = axis(h, fh, padding, stride, 'height');
  const ow = axis(w, fw, padding, stride, 'width');
  return { output: [oh, ow, kernels], parameters: kernels * (fh * fw * c + (bias ? 1 : 0)) };
}

function axis(I: number, F: number, padding: Padding, S: number, name: string): number {
  try {
    return outputSize(I, F, resolvePadding(padding, F), S);
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    throw new EdgecamError(err.code, `Along the ${name} axis: ${err.message}`, { cause: err });
  }
}

function argumentError(message: string): EdgecamError {
  return new EdgecamError('EDGECAM_ERR_ARGUMENT', message);
}
