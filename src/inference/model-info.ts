import type { GpuAdapter } from '../gpu-adapter.js';
import type { Manifest } from './manifest.js';
import type { Accelerator } from './options.js';

/** What a loaded model is and where it runs; the daemon logs it and exports it as metrics labels. */
export interface ModelInfo {
  readonly name: string;
  readonly version: string;
  readonly task: Manifest['task'];
  readonly backend: Manifest['backend'];
  readonly decoder: Manifest['output']['decoder'];
  readonly quantization: Manifest['quantization'];
  /** The library running the model: 'onnxruntime-node 1.30.0', 'tfjs 4.22.0 (wasm, SIMD, 1 thread)'. */
  readonly runtime: string;
  /** The execution provider actually in use: cpu, cuda, tensorrt, webgpu; wasm or tensorflow for tfjs. */
  readonly provider: string;
  /** The GPU under the webgpu provider (null for every other provider, or where Vulkan cannot name it). */
  readonly adapter: GpuAdapter | null;
  /** What the configuration asked for. */
  readonly accelerator: Accelerator;
  readonly input: {
    readonly name: string;
    readonly width: number;
    readonly height: number;
    readonly layout: Manifest['input']['layout'];
    readonly colorOrder: Manifest['input']['colorOrder'];
    readonly dtype: Manifest['input']['dtype'];
    readonly resize: Manifest['input']['resize'];
  };
  readonly outputs: readonly string[];
  readonly labels: readonly string[];
}

/** Milliseconds spent in each step of the last run. */
export interface RunTimings {
  readonly preprocessMs: number;
  readonly runMs: number;
  readonly decodeMs: number;
}
