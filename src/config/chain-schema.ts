import * as z from 'zod';
import { isEdgecamError } from '../errors.js';
import { kernelNames } from '../kernels/library.js';
import { didYouMean } from '../suggest.js';
import { buildKernel, INLINE_KERNEL_NAME, type KernelRef } from './kernel-ref.js';
import { splitRemedy } from './remedy.js';

/**
 * The schema of kernel chains: named lists of steps, each a kernel step (a convolution with
 * its options and 8-bit output policy) or an edge step (Sobel gradient magnitude). Kernel names,
 * inline weights and 'same' padding with an even kernel are checked here, once, at load.
 */

export const CONV_MODES = ['convolve', 'correlate'] as const;
export const PADDING_NAMES = ['valid', 'same', 'full'] as const;
export const BORDER_FILLS = ['zero', 'edge', 'reflect'] as const;
export const OUTPUT_NAMES = ['clamp', 'abs'] as const;
export const EDGE_NORMS = ['L1', 'L2'] as const;
/** Chain names are plain tokens so that they read well in env variable names and logs. */
export const CHAIN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const inlineKernelSchema = z.strictObject({
  name: z.string().min(1).optional(),
  weights: z
    .array(z.array(z.number()))
    .describe('a list of rows of numbers, e.g. [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]'),
  normalize: z.boolean().optional(),
});

const kernelRefSchema = z
  .union([z.string().min(1), inlineKernelSchema])
  .describe('a kernel name (edgecam kernel list) or inline weights { weights: [[...]] }');

const paddingSchema = z
  .union([z.enum(PADDING_NAMES), z.number().int().min(0)])
  .describe('valid, same, full or a whole number >= 0');

const outputSchema = z
  .union([z.enum(OUTPUT_NAMES), z.strictObject({ scale: z.number(), offset: z.number().default(0) })])
  .describe('clamp, abs or { scale: <number>, offset: <number> }');

export const kernelStepSchema = z
  .strictObject({
    kernel: kernelRefSchema,
    mode: z.enum(CONV_MODES).optional(),
    padding: paddingSchema.optional(),
    border: z.enum(BORDER_FILLS).optional(),
    stride: z.number().int().min(1).optional(),
    output: outputSchema.optional(),
  })
  .superRefine(checkKernelStep);

export const edgeStepSchema = z.strictObject({
  edges: z.enum(EDGE_NORMS),
  threshold: z.number().min(0).max(255).optional(),
});

export const chainStepSchema = z
  .union([kernelStepSchema, edgeStepSchema])
  .describe('a step: { kernel: <name or weights>, ... } or { edges: L1 | L2 }');

export const chainSchema = z.array(chainStepSchema).describe('a list of steps');

export const chainRefSchema = z
  .union([z.string().min(1), chainSchema])
  .describe('a chain name from kernels.chains or a list of steps');

/** A kernel step as the config writes it (see ResolvedStep for the compiled form). */
export type KernelStepConfig = z.infer<typeof kernelStepSchema>;
/** An edge step as the config writes it. */
export type EdgeStepConfig = z.infer<typeof edgeStepSchema>;
export type StepConfig = z.infer<typeof chainStepSchema>;
export type ChainConfig = z.infer<typeof chainSchema>;
/** What a camera's `preprocess` or `edges` holds: a chain name or inline steps. */
export type ChainRefConfig = z.infer<typeof chainRefSchema>;

function checkKernelStep(
  step: { kernel: KernelRef; padding?: number | string | undefined },
  ctx: z.RefinementCtx,
) {
  let width: number;
  let height: number;
  let name: string;
  try {
    ({ width, height, name } = buildKernel(step.kernel, INLINE_KERNEL_NAME));
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    const inline = typeof step.kernel !== 'string';
    const { message, fix } = kernelProblem(err.code, err.message, step.kernel);
    ctx.addIssue({
      code: 'custom',
      path: inline ? ['kernel', 'weights'] : ['kernel'],
      message,
      params: { fix },
    });
    return;
  }
  // resolvePadding would throw the same at the first frame; here it names the step instead.
  if ((step.padding ?? 'same') === 'same' && (width % 2 === 0 || height % 2 === 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['padding'],
      message: `padding 'same'${step.padding === undefined ? ' (the default)' : ''} needs an odd kernel size, but kernel "${name}" is ${width}x${height}`,
      params: {
        fix: 'set padding to valid, full or a whole number, or use an odd-sized kernel (3x3, 5x5, ...)',
      },
    });
  }
}

function kernelProblem(code: string, text: string, ref: KernelRef): { message: string; fix: string } {
  if (code === 'EDGECAM_ERR_KERNEL_UNKNOWN' && typeof ref === 'string') {
    const suggestion = didYouMean(ref, kernelNames());
    return {
      message: `no kernel named "${ref}" in the library`,
      fix:
        suggestion === undefined
          ? `use one of ${kernelNames().join(', ')}; boxN, gaussianN or gaussianN:sigma (N odd); or inline weights { weights: [[...]] }`
          : `did you mean "${suggestion}"? (edgecam kernel list shows every kernel)`,
    };
  }
  const { message, fix } = splitRemedy(text);
  return { message, fix: fix ?? 'fix the kernel definition (see edgecam kernel list for working examples)' };
}
