import type * as ort from 'onnxruntime-node';
import { EdgecamError, firstLine } from '../errors.js';
import type { GpuAdapter } from '../gpu-adapter.js';
import { readOnnxFile } from '../onnx/file.js';
import type { OnnxModel } from '../onnx/model.js';
import type { BackendLoader, BackendOptions, BackendSession, InferenceLogger } from './backend.js';
import type { ValueMeta } from './check.js';
import type { ModelOutputs, OutputTensor } from './decode/index.js';
import type { ModelPackage } from './model.js';
import { loadOnnxRuntime, type OnnxRuntime, type OrtApi } from './onnx-runtime.js';
import { threadCount } from './options.js';
import type { InputData } from './tensor.js';
import { autoSkipsWebGpu, describeAdapter, webGpuAdapter } from './webgpu-adapter.js';

// onnx-runtime.ts imports ONNX Runtime itself, on first use; only its types are named here.

/**
 * Providers `auto` tries before the CPU, best first. webgpu only on a GPU: on a software
 * rasterizer (lavapipe) it runs the sign detector 40-60 times slower than the CPU provider.
 */
const AUTO_ORDER = ['tensorrt', 'cuda', 'webgpu'] as const;

// ORT's severity levels: 3 = errors only (its warnings are about graph rewrites); 4 = fatal, for
// probing providers that are expected to be missing (we log our own single line instead).
const LOG_ERRORS = 3;
const LOG_FATAL = 4;

/**
 * ONNX Runtime: onnxruntime-node, or onnxruntime-web's WebAssembly build where that cannot load
 * (32-bit ARM) or `wasm` is asked for. Reads the model once (our reader checks it is an ONNX file
 * and lists its operators), then creates the session on the best provider the options allow.
 * @example const session = await loadOnnx(pkg, { accelerator: 'auto', required: false, threads: 0, graphOptimizationLevel: 'all' }, logger)
 */
export const loadOnnx: BackendLoader = async (pkg, options, log) => {
  const { bytes, model } = await readOnnxFile(
    pkg.modelPath,
    'the file is corrupt or truncated, or not ONNX; export or copy it again',
  );
  const runtime = await chooseRuntime(pkg, options, log);
  const { session, provider, adapter } = await createSession(runtime, bytes, model, pkg, options, log);
  return new OnnxSession(runtime.ort, runtime.name, session, provider, adapter);
};

/** onnxruntime-node where it loads; otherwise the WebAssembly build, saying why in one warning. */
async function chooseRuntime(
  pkg: ModelPackage,
  options: BackendOptions,
  log: InferenceLogger,
): Promise<OnnxRuntime> {
  const want = options.accelerator === 'wasm' ? 'wasm' : 'any';
  const { runtime, nativeFailure } = await loadOnnxRuntime(want, threadCount(options.threads));
  if (nativeFailure === undefined) return runtime;
  if (options.required) {
    throw new EdgecamError(
      'EDGECAM_ERR_ACCELERATOR',
      `The accelerator ${options.accelerator} is required (inference.required: true) but ${nativeFailure}. ` +
        'Set inference.accelerator: wasm to run ONNX models on WebAssembly on this board',
    );
  }
  const named = options.accelerator === 'auto' ? '' : ` (accelerator ${options.accelerator} needs it)`;
  log.warn(
    { model: pkg.manifest.name, runtime: runtime.name, reason: nativeFailure },
    `${nativeFailure}${named}; running ${pkg.manifest.name} on ${runtime.name} instead`,
  );
  return runtime;
}

/** The providers to try, in order, for an accelerator setting; the CPU always ends the list. */
export function providerOrder(accelerator: BackendOptions['accelerator'], runtime: OnnxRuntime): string[] {
  if (runtime.build === 'wasm') return ['wasm'];
  if (accelerator === 'cpu' || accelerator === 'wasm') return ['cpu'];
  if (accelerator !== 'auto') return [accelerator, 'cpu'];
  return [...AUTO_ORDER.filter((p) => runtime.providers.has(p)), 'cpu'];
}

/** The provider that cannot be missing: the one that ends the order. */
function isLast(provider: string): boolean {
  return provider === 'cpu' || provider === 'wasm';
}

async function createSession(
  runtime: OnnxRuntime,
  bytes: Uint8Array,
  model: OnnxModel,
  pkg: ModelPackage,
  options: BackendOptions,
  log: InferenceLogger,
): Promise<{ session: ort.InferenceSession; provider: string; adapter?: GpuAdapter }> {
  const order = providerOrder(options.accelerator, runtime);
  const failures: string[] = [];
  for (const provider of order) {
    const probe = provider === 'webgpu' ? await webGpuAdapter(options.vulkaninfo) : undefined;
    const skip = probe !== undefined && options.accelerator === 'auto' ? autoSkipsWebGpu(probe) : undefined;
    if (skip !== undefined) {
      failures.push(`webgpu: ${skip}`);
      continue;
    }
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: options.graphOptimizationLevel,
      // The WebAssembly build takes its thread count once, when it starts (onnx-runtime.ts).
      ...(runtime.build === 'native' ? { intraOpNumThreads: threadCount(options.threads) } : {}),
      logSeverityLevel: isLast(provider) ? LOG_ERRORS : LOG_FATAL,
      // ORT's pool threads spin after each run by default; on a 2-4 core board that spinning takes
      // the cores the main thread needs to receive the result (measured: +2 ms per frame on 2 cores).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
      // With a memory pattern, ORT plans each run's intermediate tensors into one block after the
      // first run; the arena, which never gives memory back, already holds what that first run
      // took, so the block comes on top (the sign model: a new 8 MB chunk, 5 MB of it used).
      // Without it the same arena serves every run, for the same CPU a frame (bench:memory).
      enableMemPattern: false,
    };
    try {
      const session = await runtime.ort.InferenceSession.create(bytes, sessionOptions);
      const adapter = probe?.adapter;
      if (adapter?.software) {
        log.warn(
          { model: pkg.manifest.name, provider, adapter },
          `WebGPU runs ${pkg.manifest.name} on ${describeAdapter(adapter)}, which is slower than the CPU provider: ` +
            "install the GPU's Vulkan driver, or set inference.accelerator: auto to use the CPU",
        );
      }
      if (failures.length > 0) {
        log.warn(
          { model: pkg.manifest.name, provider, tried: failures },
          fallbackLine(options.accelerator, provider, failures, pkg.manifest.name),
        );
      }
      return { session, provider, ...(adapter === undefined ? {} : { adapter }) };
    } catch (err) {
      const reason = firstLine(err);
      if (isLast(provider)) throw sessionError(err, model, pkg, runtime.name, provider);
      failures.push(`${provider}: ${reason}`);
      if (options.required && provider === options.accelerator) {
        // Tell a missing provider from a bad model: if the CPU cannot load it either, the model is the problem.
        await probeCpu(runtime, bytes, model, pkg, options);
        throw new EdgecamError(
          'EDGECAM_ERR_ACCELERATOR',
          `The accelerator ${provider} is required (inference.required: true) but ${runtime.name} cannot use it: ${reason}. ` +
            `${providerFix(provider)}, or set inference.accelerator: auto`,
          { cause: err },
        );
      }
    }
  }
  throw new Error('unreachable: the provider order always ends with cpu or wasm');
}

/** The one line that says which providers were passed over, why, and where the model runs instead. */
function fallbackLine(
  accelerator: string,
  provider: string,
  failures: readonly string[],
  model: string,
): string {
  const where = isLast(provider) ? 'the CPU' : provider;
  const named =
    accelerator !== 'auto'
      ? `accelerator ${accelerator} is not available`
      : isLast(provider)
        ? 'no accelerator is available'
        : 'auto passed over';
  return `${named} (${failures.join('; ')}); running ${model} on ${where}`;
}

/** What makes a named provider available. */
function providerFix(provider: string): string {
  return provider === 'webgpu'
    ? "Install the GPU's Vulkan driver (sudo apt install mesa-vulkan-drivers; edgecam doctor names the adapter)"
    : `Install ONNX Runtime's ${provider} provider files for this board`;
}

async function probeCpu(
  runtime: OnnxRuntime,
  bytes: Uint8Array,
  model: OnnxModel,
  pkg: ModelPackage,
  options: BackendOptions,
): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await runtime.ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: options.graphOptimizationLevel,
      logSeverityLevel: LOG_FATAL,
    });
  } catch (err) {
    throw sessionError(err, model, pkg, runtime.name, 'cpu');
  }
  await session.release();
}

/** A session that failed to load: an operator the runtime lacks, or a model it rejects. */
function sessionError(
  err: unknown,
  model: OnnxModel,
  pkg: ModelPackage,
  runtimeName: string,
  provider: string,
): EdgecamError {
  const message = err instanceof Error ? err.message : String(err);
  // ORT: "No Op registered for Foo with domain_version of 13" / "Could not find an implementation for Foo(13) node".
  const op =
    /No Op registered for (\S+)/.exec(message)?.[1] ??
    /Could not find an implementation for (\w+)/.exec(message)?.[1];
  if (op !== undefined) {
    const node = model.graph.nodes.find((n) => n.opType === op);
    const domain = node?.domain ? ` (domain ${node.domain})` : '';
    const opset = model.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
    return new EdgecamError(
      'EDGECAM_ERR_MODEL_OPERATOR',
      `${pkg.modelPath} uses operator ${op}${domain}${node?.name ? ` in node '${node.name}'` : ''}, which ${runtimeName} (${provider}) ` +
        `cannot run at the model's opset (${opset}): re-export the model with standard operators ` +
        '(e.g. a lower opset, or without custom layers)',
      { cause: err },
    );
  }
  return new EdgecamError(
    'EDGECAM_ERR_MODEL_READ',
    `${runtimeName} cannot load ${pkg.modelPath}: ${firstLine(err)}. Check that the file is a complete ONNX export`,
    { cause: err },
  );
}

class OnnxSession implements BackendSession {
  readonly provider: string;
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
  private readonly session: ort.InferenceSession;
  // One ort.Tensor per input buffer: the buffer is refilled in place before every run.
  private feed: { data: InputData; tensor: ort.Tensor } | undefined;

  constructor(
    private readonly api: OrtApi,
    readonly runtime: string,
    session: ort.InferenceSession,
    provider: string,
    readonly adapter: GpuAdapter | undefined,
  ) {
    this.session = session;
    this.provider = provider;
    this.inputs = session.inputMetadata.map(toMeta);
    this.outputs = session.outputMetadata.map(toMeta);
  }

  async run(name: string, data: InputData, dims: readonly number[]): Promise<ModelOutputs> {
    if (this.feed?.data !== data) {
      const type = data instanceof Float32Array ? 'float32' : data instanceof Int8Array ? 'int8' : 'uint8';
      this.feed = { data, tensor: new this.api.Tensor(type, data, dims) };
    }
    const results = await this.session.run({ [name]: this.feed.tensor });
    const out = new Map<string, OutputTensor>();
    for (const o of this.session.outputNames) {
      const t = results[o]!;
      // int64 outputs (class ids, counts) come back as BigInt64Array; decoders read numbers.
      const data = t.data instanceof BigInt64Array ? Float64Array.from(t.data, Number) : t.data;
      out.set(o, { dims: t.dims, data: data as ArrayLike<number> });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

function toMeta(m: ort.InferenceSession.ValueMetadata): ValueMeta {
  if (!m.isTensor) return { name: m.name, dtype: 'non-tensor', shape: undefined };
  return { name: m.name, dtype: m.type, shape: m.shape.length === 0 ? undefined : [...m.shape] };
}
