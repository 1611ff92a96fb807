import { createKernel } from '../kernels/kernel.js';
import { resolveKernel } from '../kernels/library.js';
import type { Kernel } from '../kernels/types.js';

/** The name an inline kernel without a `name` gets in messages and in the resolved chain (here, not
 * in chain-schema.ts, so that the kernel worker resolves chains without loading zod). */
export const INLINE_KERNEL_NAME = 'inline';

/** A kernel as a config names it: a library name, or inline weights. */
export type KernelRef =
  | string
  | {
      readonly name?: string | undefined;
      readonly weights: readonly (readonly number[])[];
      readonly normalize?: boolean | undefined;
    };

/**
 * The Kernel a config's `kernel:` value stands for; throws the engine's EdgecamError
 * (EDGECAM_ERR_KERNEL_UNKNOWN or EDGECAM_ERR_KERNEL) when it stands for none.
 * @example buildKernel({ weights: [[1, 1]] }, 'inline').width // 2
 */
export function buildKernel(ref: KernelRef, fallbackName: string): Kernel {
  if (typeof ref === 'string') return resolveKernel(ref);
  return createKernel({
    name: ref.name ?? fallbackName,
    weights: ref.weights,
    ...(ref.normalize === undefined ? {} : { normalize: ref.normalize }),
  });
}
