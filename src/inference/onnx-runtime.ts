import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { arch, platform } from 'node:process';
import type * as OrtNode from 'onnxruntime-node';
import { EdgecamError, firstLine } from '../errors.js';
import { installCommand, OPTIONAL_PACKAGES } from './optional-packages.js';
import { disableOrtTelemetry } from './ort-telemetry.js';

/** The ONNX Runtime API both builds share (onnxruntime-common's): sessions, tensors, env. */
export type OrtApi = Pick<typeof OrtNode, 'InferenceSession' | 'Tensor' | 'env'>;

/** One build of ONNX Runtime, loaded. */
export interface OnnxRuntime {
  /** native: onnxruntime-node (x64, arm64); wasm: onnxruntime-web's WebAssembly build (any CPU). */
  readonly build: 'native' | 'wasm';
  readonly ort: OrtApi;
  /** The library and version, as logged and reported: 'onnxruntime-node 1.30.0'. */
  readonly name: string;
  /** Execution providers the build offers (native: cpu, webgpu, cuda, ...; wasm: wasm). */
  readonly providers: ReadonlySet<string>;
}

/** Where `loadOnnxRuntime` got its runtime, and why it is not the native one when it is not. */
export interface LoadedOnnxRuntime {
  readonly runtime: OnnxRuntime;
  /** Set when onnxruntime-node was wanted but cannot load here: the reason, in one line. */
  readonly nativeFailure?: string;
}

// onnxruntime-node ships its native binding for these only (bin/napi-v6/<platform>/<arch>/); on
// 32-bit ARM (Raspberry Pi OS armhf) its import throws "Cannot find module ...onnxruntime_binding.node".
const NATIVE_ARCHES = ['x64', 'arm64'];

let native: Promise<OnnxRuntime> | undefined;
let wasm: Promise<OnnxRuntime> | undefined;

/**
 * onnxruntime-node, imported on first use (never at start-up, so that every command that runs no
 * ONNX model works on a board it has no build for). Throws EDGECAM_ERR_ONNX_RUNTIME saying why.
 * @example const { ort } = await loadNativeRuntime();
 */
export function loadNativeRuntime(): Promise<OnnxRuntime> {
  native ??= importNative();
  return native;
}

let nativeModule: Promise<typeof OrtNode> | undefined;

/**
 * onnxruntime-node's whole module, imported on first use as loadNativeRuntime imports it (edgecam
 * doctor lists its backends). Throws EDGECAM_ERR_ONNX_RUNTIME saying why it cannot load.
 */
export function loadNativeModule(): Promise<typeof OrtNode> {
  nativeModule ??= importNativeModule();
  return nativeModule;
}

async function importNativeModule(): Promise<typeof OrtNode> {
  disableOrtTelemetry();
  try {
    return await import('onnxruntime-node');
  } catch (err) {
    throw new EdgecamError('EDGECAM_ERR_ONNX_RUNTIME', nativeFailure(err), { cause: err });
  }
}

/** The folder of onnxruntime-node's binding and provider libraries here (resolved, not loaded). */
export function nativeLibDir(): string {
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  return join(dist, '..', 'bin', 'napi-v6', platform, arch);
}

async function importNative(): Promise<OnnxRuntime> {
  const ort = await loadNativeModule();
  // ORT's process-wide logger prints a missing provider library (CUDA on a Pi) as an error on
  // stderr, outside our JSON logs; every failure reaches the user as an EdgecamError with ORT's
  // message instead.
  ort.env.logLevel = 'fatal';
  return {
    build: 'native',
    ort,
    name: `onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}`,
    providers: new Set(ort.listSupportedBackends().map((b) => b.name)),
  };
}

function nativeFailure(err: unknown): string {
  const why = NATIVE_ARCHES.includes(arch)
    ? ''
    : `: it has builds for 64-bit CPUs only (x64, arm64), and this is ${platform}/${arch}`;
  return `onnxruntime-node cannot load (${firstLine(err)})${why}`;
}

/**
 * onnxruntime-web's WebAssembly build (SIMD), which runs in Node on any CPU; its .wasm and worker
 * files come from the npm package beside it, never a download. `threads` is fixed the first time
 * it loads in a thread: ORT starts its WebAssembly module, and the module's thread pool, once.
 * @example const { ort } = await loadWasmRuntime(2);
 */
export function loadWasmRuntime(threads: number): Promise<OnnxRuntime> {
  wasm ??= importWasm(threads);
  return wasm;
}

async function importWasm(threads: number): Promise<OnnxRuntime> {
  let ort: OrtApi;
  try {
    ort = await import('onnxruntime-web');
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_ONNX_RUNTIME',
      `onnxruntime-web cannot load (${firstLine(err)}): install it with \`${installCommand(OPTIONAL_PACKAGES.onnxruntimeWeb)}\` ` +
        '(a bundle for a 64-bit board leaves it out: there inference.accelerator auto or cpu runs onnxruntime-node)',
      { cause: err },
    );
  }
  ort.env.wasm.numThreads = Math.max(1, threads);
  const plural = ort.env.wasm.numThreads === 1 ? 'thread' : 'threads';
  return {
    build: 'wasm',
    ort,
    name: `onnxruntime-web ${ort.env.versions.web ?? ort.env.versions.common} (wasm, SIMD, ${ort.env.wasm.numThreads} ${plural})`,
    providers: new Set(['wasm']),
  };
}

/**
 * The runtime to use: the WebAssembly build when `wasm` is asked for; otherwise onnxruntime-node,
 * or the WebAssembly build with `nativeFailure` set where onnxruntime-node cannot load (32-bit
 * ARM), so the caller can say so in one line.
 * @example const { runtime, nativeFailure } = await loadOnnxRuntime('any', 2);
 */
export async function loadOnnxRuntime(want: 'any' | 'wasm', threads: number): Promise<LoadedOnnxRuntime> {
  if (want === 'wasm') return { runtime: await loadWasmRuntime(threads) };
  try {
    return { runtime: await loadNativeRuntime() };
  } catch (err) {
    if (!(err instanceof EdgecamError)) throw err;
    return { runtime: await loadWasmRuntime(threads), nativeFailure: err.message };
  }
}
