import type { StepConfig } from '../config/chain-schema.js';
import type { Shape } from '../frame.js';
import type { WireError } from '../worker-thread.js';

/** Messages between KernelWorker (main thread) and kernel-worker.ts. Pixels travel in shared memory. */

export interface ChainBuffers {
  readonly shape: Shape;
  readonly buffer: SharedArrayBuffer;
}

export type ToKernelWorker =
  | {
      readonly type: 'configure';
      readonly id: number;
      readonly camera: string;
      readonly input: Shape;
      readonly preprocess: readonly StepConfig[] | undefined;
      readonly edges: readonly StepConfig[] | undefined;
    }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly camera: string;
      /** Which of the two preprocess outputs to write. */
      readonly slot: 0 | 1;
      readonly preprocess: boolean;
      readonly edges: boolean;
    }
  | { readonly type: 'remove'; readonly camera: string };

export type FromKernelWorker =
  | {
      readonly type: 'configured';
      readonly id: number;
      readonly input: SharedArrayBuffer;
      /** Two outputs, so that a model may read one while the next frame is filtered into the other. */
      readonly preprocess: readonly [ChainBuffers, ChainBuffers] | undefined;
      readonly edges: ChainBuffers | undefined;
      readonly engine: string;
    }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError };
