import type { GpuAdapter } from '../gpu-adapter.js';
import type { InferenceLogger } from '../inference/backend.js';
import { createDetector } from '../inference/detector.js';
import type { Accelerator } from '../inference/options.js';

/** Where a model package runs on this board, as loading it shows: what `model inspect --accelerator` adds. */
export interface RunsOn {
  /** What was asked for. */
  readonly accelerator: Accelerator;
  /** The library that runs it: 'onnxruntime-node 1.30.0'. */
  readonly runtime: string;
  /** The execution provider in use: cpu, cuda, tensorrt, webgpu, wasm. */
  readonly provider: string;
  /** The GPU under WebGPU; null for every other provider, or where Vulkan cannot name it. */
  readonly adapter: GpuAdapter | null;
}

/**
 * Loads the package on `accelerator` as the daemon would (the inference worker, the same provider
 * order and fallbacks), notes where it runs, and closes it. Fallback warnings go to `log`.
 * @example (await runsOn('models/signs', 'auto', logger)).provider // 'cpu'
 */
export async function runsOn(path: string, accelerator: Accelerator, log: InferenceLogger): Promise<RunsOn> {
  const detector = await createDetector({ model: path, accelerator, logger: log });
  try {
    const { runtime, provider, adapter } = detector.info;
    return { accelerator, runtime, provider, adapter };
  } finally {
    await detector.close();
  }
}
