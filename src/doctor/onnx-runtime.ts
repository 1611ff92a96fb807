import { readdir } from 'node:fs/promises';
import type { InferenceConfig } from '../config/inference-schema.js';
import { firstLine } from '../errors.js';
import { loadNativeModule, nativeLibDir } from '../inference/onnx-runtime.js';
import { type CheckResult, missing, ok } from './check.js';

/**
 * Whether onnxruntime-node loads here (its native binding is loaded on import; there is no build
 * for 32-bit ARM), which execution providers it offers, and whether the one the config names can
 * run: cuda and tensorrt need ONNX Runtime's provider libraries beside the binding
 * (onnxruntime-node's install script puts them there).
 */

/** What the check needs of onnxruntime-node. */
export interface OnnxRuntimeModule {
  listSupportedBackends(): readonly { readonly name: string; readonly bundled: boolean }[];
  readonly env: { readonly versions: { readonly node?: string; readonly common: string } };
}

export interface OnnxRuntimeFacts {
  /** Imports onnxruntime-node (or a stand-in). */
  readonly load: () => Promise<OnnxRuntimeModule>;
  /** The folder holding onnxruntime_binding.node and the provider libraries. */
  readonly libDir: string;
  /** process.arch, for the 32-bit ARM advice. */
  readonly arch: string;
  readonly inference: Pick<InferenceConfig, 'accelerator' | 'required'>;
  /** Whether an enabled camera runs an ONNX model: then a runtime that does not load is a failure. */
  readonly needsOnnx: boolean;
}

export interface OnnxRuntimeReport {
  readonly result: CheckResult;
  /** The providers that can run here (empty when the runtime did not load). */
  readonly providers: readonly string[];
}

/** onnxruntime-node's binding folder for this platform, as its dist/binding.js requires it. */
export const defaultOnnxLibDir = nativeLibDir;

/** Imports the real onnxruntime-node, through the one place that loads it. */
export const loadOnnxRuntimeNode: () => Promise<OnnxRuntimeModule> = loadNativeModule;

/**
 * Loads the runtime and lists what it can run on.
 * @example (await checkOnnxRuntime({ load: loadOnnxRuntimeNode, ... })).providers // ['cpu', 'webgpu']
 */
export async function checkOnnxRuntime(facts: OnnxRuntimeFacts): Promise<OnnxRuntimeReport> {
  let ort: OnnxRuntimeModule;
  try {
    ort = await facts.load();
  } catch (err) {
    return { result: notLoading(facts, firstLine(err)), providers: [] };
  }
  const version = ort.env.versions.node ?? ort.env.versions.common;
  const files = await readdir(facts.libDir).catch(() => [] as string[]);
  const usable: string[] = [];
  const absent: string[] = [];
  for (const backend of ort.listSupportedBackends()) {
    // A provider that is not bundled is a shared library ONNX Runtime loads from its own folder.
    if (backend.bundled || files.includes(`libonnxruntime_providers_${backend.name}.so`)) {
      usable.push(backend.name);
    } else {
      absent.push(backend.name);
    }
  }
  const found =
    `onnxruntime-node ${version}: providers ${usable.join(', ')}` +
    (absent.length > 0 ? `; ${absent.join(', ')} not installed (ONNX Runtime's GPU provider files)` : '');
  const { accelerator, required } = facts.inference;
  if (accelerator !== 'auto' && accelerator !== 'cpu' && !usable.includes(accelerator)) {
    const gpuFiles = accelerator === 'cuda' || accelerator === 'tensorrt';
    return {
      result: missing(
        'onnxruntime',
        required,
        `${found}; inference.accelerator is ${accelerator}, which ${required ? 'cannot start' : 'falls back to the CPU'}`,
        gpuFiles
          ? `install ONNX Runtime's ${accelerator} provider files for this board into ${facts.libDir} (on a Jetson, from NVIDIA's JetPack ONNX Runtime build), or set inference.accelerator: auto`
          : `this onnxruntime-node build has no ${accelerator} provider (the prebuilt Linux arm64 one has only the CPU's): set inference.accelerator: auto`,
      ),
      providers: usable,
    };
  }
  return { result: ok('onnxruntime', found), providers: usable };
}

function notLoading(facts: OnnxRuntimeFacts, reason: string): CheckResult {
  const uses = facts.needsOnnx ? 'a camera runs an ONNX model' : 'no enabled camera runs an ONNX model';
  if (facts.arch === 'arm') {
    // edgecam falls back to onnxruntime-web (inference/onnx-runtime.ts): the model runs, slower.
    return missing(
      'onnxruntime',
      false,
      `onnxruntime-node has no 32-bit ARM build, and ${uses}: ONNX models run on onnxruntime-web (WebAssembly)`,
      'WebAssembly runs a model several times slower than onnxruntime-node (README, 32-bit boards); ' +
        'TensorFlow.js models (model.json backend: tfjs) run on WebAssembly too; a 64-bit OS (Raspberry Pi OS 64-bit) runs ONNX models natively',
    );
  }
  return missing(
    'onnxruntime',
    facts.needsOnnx,
    `onnxruntime-node does not load (${reason}), and ${uses}`,
    "reinstall edgecam's packages in its folder (npm ci --omit=dev; deploy/install.sh does it), which puts back onnxruntime-node's library for this machine",
  );
}
