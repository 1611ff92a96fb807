import { EdgecamError, isEdgecamError } from '../errors.js';
import type { Shape } from '../frame.js';
import { checkShape } from './image.js';
import { type ResolvedConvOptions, resolveConvOptions } from './options.js';
import { resolvePadding } from './padding.js';
import { outputSize } from './size.js';
import type { ConvOptions } from './types.js';

/** Everything a convolution loop needs to know about sizes, worked out and checked once per call. */
export interface ConvGeometry extends ResolvedConvOptions {
  readonly inWidth: number;
  readonly inHeight: number;
  readonly inChannels: number;
  readonly kernelWidth: number;
  readonly kernelHeight: number;
  readonly kernelDepth: number;
  readonly padX: number;
  readonly padY: number;
  readonly outWidth: number;
  readonly outHeight: number;
  /** inChannels for a 2-D kernel (each channel filtered alone); 1 for a depth-matched 3-D kernel. */
  readonly outChannels: number;
}

/** The kernel sizes a geometry depends on, with a name for messages. */
export interface KernelSize {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/**
 * Checks input shape, kernel depth and options, and works out padding and output sizes.
 * @example planConv({ width: 5, height: 5, channels: 1 }, resolveKernel('box3'), {}).outWidth // 5
 */
export function planConv(input: Shape, kernel: KernelSize, options?: ConvOptions): ConvGeometry {
  checkShape(input, 'input');
  const resolved = resolveConvOptions(options);
  const { depth } = kernel;
  if (depth !== 1 && depth !== input.channels) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Kernel '${kernel.name}' has depth ${depth} but the input has ${input.channels} channel${input.channels === 1 ? '' : 's'}: ` +
        `use a kernel of depth ${input.channels} (one output channel) or depth 1 (each channel filtered alone)`,
    );
  }
  const padX = axisPadding(resolved, kernel.width, 'width');
  const padY = axisPadding(resolved, kernel.height, 'height');
  return {
    ...resolved,
    inWidth: input.width,
    inHeight: input.height,
    inChannels: input.channels,
    kernelWidth: kernel.width,
    kernelHeight: kernel.height,
    kernelDepth: depth,
    padX,
    padY,
    outWidth: axisSize(input.width, kernel.width, padX, resolved.stride, 'width'),
    outHeight: axisSize(input.height, kernel.height, padY, resolved.stride, 'height'),
    outChannels: depth === 1 ? input.channels : 1,
  };
}

function axisPadding(options: ResolvedConvOptions, F: number, axis: string): number {
  try {
    return resolvePadding(options.padding, F);
  } catch (err) {
    throw withContext(err, `For the kernel ${axis}`);
  }
}

function axisSize(I: number, F: number, P: number, S: number, axis: string): number {
  try {
    return outputSize(I, F, P, S);
  } catch (err) {
    throw withContext(err, `Along the ${axis} axis`);
  }
}

function withContext(err: unknown, context: string): unknown {
  if (!isEdgecamError(err)) return err;
  return new EdgecamError(err.code, `${context}: ${err.message}`, { cause: err });
}
