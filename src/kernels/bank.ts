import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { conv2d, conv2dShape } from './conv2d.js';
import { checkImage, prepareFloatOut } from './image.js';
import type { ConvOptions, Kernel } from './types.js';

// One channel of one kernel's output before it is interleaved; reused across calls.
let plane = new Float32Array(0);

/**
 * K kernels on one input -> a K-channel feature map, channel k from kernel k (seed 001: "two 3D
 * kernels ... two channels"). Each kernel is 2-D on a 1-channel input or 3-D with depth = channels,
 * and all must give the same output width and height.
 * @example conv2dBank(gray, [resolveKernel('sobel-left'), resolveKernel('sobel-top')]).channels // 2
 */
export function conv2dBank(
  input: Image,
  kernels: readonly Kernel[],
  options?: ConvOptions,
  out?: Image<Float32Array>,
): Image<Float32Array> {
  checkImage(input, 'input');
  if (!Array.isArray(kernels) || kernels.length === 0) {
    throw new EdgecamError('EDGECAM_ERR_ARGUMENT', 'Expected a non-empty array of kernels for the bank');
  }
  let first: { width: number; height: number; name: string } | undefined;
  for (const k of kernels) {
    const shape = conv2dShape(input, k, options);
    if (shape.channels !== 1) {
      throw new EdgecamError(
        'EDGECAM_ERR_KERNEL',
        `Kernel '${k.name}' is 2-D but the input has ${input.channels} channels: a bank needs one output channel ` +
          `per kernel, so give it depth ${input.channels} or convert the input to 1 channel`,
      );
    }
    if (first === undefined) first = { ...shape, name: k.name };
    else if (shape.width !== first.width || shape.height !== first.height) {
      throw new EdgecamError(
        'EDGECAM_ERR_KERNEL',
        `Kernel '${k.name}' gives a ${shape.width}x${shape.height} output but '${first.name}' gives ${first.width}x${first.height}: ` +
          `bank kernels must share an output size (use kernels of one size, or 'same' padding with odd sizes)`,
      );
    }
  }
  const { width, height } = first!;
  const K = kernels.length;
  const target = prepareFloatOut(out, { width, height, channels: K }, input);
  const n = width * height;
  if (plane.length < n) plane = new Float32Array(n);
  const single: Image<Float32Array> = { width, height, channels: 1, data: plane.subarray(0, n) };
  for (let k = 0; k < K; k++) {
    conv2d(input, kernels[k]!, options, single);
    const src = single.data;
    const dst = target.data;
    for (let i = 0, o = k; i < n; i++, o += K) dst[o] = src[i]!;
  }
  return target;
}
