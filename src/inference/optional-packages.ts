import { fileURLToPath } from 'node:url';

/**
 * The npm packages edgecam runs without until a model needs them: a bundle (npm run bundle) leaves
 * them out where they are not needed. Versions as package.json pins them (a unit test checks).
 */
export const OPTIONAL_PACKAGES = {
  /** tfjs models: TensorFlow.js and its WebAssembly backend. */
  tfjs: ['@tensorflow/tfjs@4.22', '@tensorflow/tfjs-backend-wasm@4.22'],
  /** ONNX models on WebAssembly: what 32-bit ARM runs, and accelerator wasm elsewhere. */
  onnxruntimeWeb: ['onnxruntime-web@1.30'],
} as const;

// The package root: dist/inference/ once built, src/inference/ in a checkout.
const EDGECAM_DIR = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/**
 * The command that adds `packages` to this edgecam's node_modules.
 * @example installCommand(OPTIONAL_PACKAGES.tfjs) // 'cd /opt/edgecam && npm install @tensorflow/tfjs@4.22 ...'
 */
export function installCommand(packages: readonly string[]): string {
  return `cd ${EDGECAM_DIR} && npm install ${packages.join(' ')}`;
}
