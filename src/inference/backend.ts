import type { GpuAdapter } from '../gpu-adapter.js';
import type { ValueMeta } from './check.js';
import type { ModelOutputs } from './decode/index.js';
import type { ModelPackage } from './model.js';
import type { Accelerator, GraphOptimizationLevel } from './options.js';
import type { InputData } from './tensor.js';

/** The pino methods the runtime logs through (a pino logger fits; so does a test's recorder). */
export interface InferenceLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** What a backend needs besides the package: already resolved from config or flags. */
export interface BackendOptions {
  readonly accelerator: Accelerator;
  readonly required: boolean;
  /** Intra-op threads; 0 = one per core. */
  readonly threads: number;
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  /** A backend plug-in's package name or path (backend-plugin.ts); absent or "" for the built-ins. */
  readonly backend?: string;
  /** The program that names the WebGPU adapter (webgpu-adapter.ts); tests pass a stand-in. Default vulkaninfo. */
  readonly vulkaninfo?: string;
}

/** A loaded model on one backend, ready to run. Lives in the inference worker. */
export interface BackendSession {
  /** The library and version that runs the model: 'onnxruntime-node 1.30.0', 'tfjs 4.22.0 (wasm, SIMD)'. */
  readonly runtime: string;
  /** The execution provider actually in use: cpu, cuda, tensorrt, webgpu; wasm or tensorflow for tfjs. */
  readonly provider: string;
  /** The GPU under the webgpu provider, where it is known; undefined for every other provider. */
  readonly adapter?: GpuAdapter;
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
  /** Model dtypes a manifest dtype may feed (tfjs feeds uint8 images as int32). */
  readonly acceptDtypes?: Readonly<Record<string, readonly string[]>>;
  /** Runs the model on `data` (the input tensor, reused between calls) fed to input `name`. */
  run(name: string, data: InputData, dims: readonly number[]): Promise<ModelOutputs>;
  close(): Promise<void>;
}

/** Loads a package's model on a backend. */
export type BackendLoader = (
  pkg: ModelPackage,
  options: BackendOptions,
  log: InferenceLogger,
) => Promise<BackendSession>;
