import type { Frame, Shape } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';

/**
 * A camera's chains planned for one frame shape, wherever they run: in the kernel worker
 * (KernelSlot) or on the calling thread (InThreadPlans).
 */
export interface KernelPlans {
  readonly input: Shape;
  /** The engine of the camera's chains: 'wasm-simd', 'typescript' or 'none'. */
  readonly engine: string;
  /**
   * Runs the chains on `frame`. The outputs are valid until the same output is written again;
   * preprocess outputs alternate between two buffers, so the one returned stays intact while the
   * next frame is filtered.
   */
  run(frame: Frame, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput>;
}
