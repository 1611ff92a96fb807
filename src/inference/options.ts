import { availableParallelism } from 'node:os';
// Types only from the config's schema: the inference worker imports this file, and must not load
// the schema library (about 7 MB of memory a thread).
import type { InferenceConfig } from '../config/inference-schema.js';

export type Accelerator = InferenceConfig['accelerator'];
export type GraphOptimizationLevel = InferenceConfig['graphOptimizationLevel'];

/** The `inference:` config section's defaults, for callers without a config (the CLI, tests). */
export const DEFAULT_INFERENCE_OPTIONS: Readonly<InferenceConfig> = Object.freeze({
  accelerator: 'auto',
  required: false,
  threads: 0,
  graphOptimizationLevel: 'all',
  backend: '',
});

/**
 * Threads to give a session: the configured count, or one per core for 0.
 * @example threadCount(0) // 4 on a Raspberry Pi 4
 */
export function threadCount(threads: number): number {
  return threads > 0 ? threads : Math.max(1, availableParallelism());
}

/**
 * Threads for a model in the daemon: the configured count, or for 0 one per core but one, left
 * to capture, decoding and the main thread. On 2 cores, bench:pipeline ran 442-451 frames a second
 * with one ONNX Runtime thread against 407-424 with two on the JPEG replay, and 538-544 against
 * 483-522 on uncompressed video, at less CPU a frame: the model's run took as long either way,
 * because its second thread only took CPU from the frames' supply.
 * @example pipelineThreadCount(0, 4) // 3 on a Raspberry Pi 4
 */
export function pipelineThreadCount(threads: number, cores = availableParallelism()): number {
  return threads > 0 ? threads : Math.max(1, cores - 1);
}
