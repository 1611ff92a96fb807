import type { BackendLoader } from './backend.js';
import type { Manifest } from './manifest.js';

/**
 * Every backend, by the name a manifest's `backend` gives. Imported on first use, so a daemon that
 * runs only ONNX models never loads TensorFlow.js (and the reverse).
 */
export const BACKENDS: { readonly [K in Manifest['backend']]: () => Promise<BackendLoader> } = {
  onnx: async () => (await import('./onnx.js')).loadOnnx,
  tfjs: async () => (await import('./tfjs.js')).loadTfjs,
};
