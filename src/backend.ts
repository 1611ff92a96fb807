/**
 * `import type { BackendPlugin } from 'edgecam/backend'`: what a backend plug-in package
 * implements (docs/backends.md is its author's guide). Types only, plus the interface version.
 */
export type { GpuAdapter } from './gpu-adapter.js';
export type { BackendLoader, BackendOptions, BackendSession, InferenceLogger } from './inference/backend.js';
export { BACKEND_API_VERSION, type BackendPlugin, type PluginCheck } from './inference/backend-plugin.js';
export type { ValueMeta } from './inference/check.js';
export type { ModelOutputs, OutputTensor } from './inference/decode/index.js';
export type { Manifest } from './inference/manifest.js';
export type { ModelPackage } from './inference/model.js';
export type { InputData } from './inference/tensor.js';
