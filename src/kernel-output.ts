import type { Image } from './frame.js';

/**
 * What a camera's chains give for one frame: views onto the kernel worker's shared memory, valid
 * until the same output is written again. Declared here because the chains stage produces it and
 * the pipeline's FrameKernels port consumes it, and neither stage imports the other.
 */
export interface KernelOutput {
  /** The preprocessed frame, or the frame itself when the camera has no preprocess chain. */
  readonly preprocessed: Image<Uint8Array>;
  /** The edge map, when asked for and the camera has an edge chain. */
  readonly edges: Image<Uint8Array> | undefined;
}
