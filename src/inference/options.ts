import { availableParallelism } from 'node:os';
import type { InferenceConfig } from '../config/inference-schema.js';

export { ACCELERATORS, GRAPH_OPTIMIZATION_LEVELS } from '../config/inference-schema.js';

export type Accelerator = InferenceConfig['accelerator'];
export type GraphOptimizationLevel = InferenceConfig['graphOptimizationLevel'];

/** The `inference:` config section's defaults, for callers without a config (the CLI, tests). */
export const DEFAULT_INFERENCE_OPTIONS: Readonly<InferenceConfig> = Object.freeze({
  accelerator: 'auto',
  required: false,
  threads: 0,
  graphOptimizationLevel: 'all',
});

/**
 * Threads to give a session: the configured count, or one per core for 0.
 * @example threadCount(0) // 4 on a Raspberry Pi 4
 */
export function threadCount(threads: number): number {
  return threads > 0 ? threads : Math.max(1, availableParallelism());
}
