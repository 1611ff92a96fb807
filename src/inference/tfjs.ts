import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { EdgecamError, firstLine } from '../errors.js';
import type { BackendLoader, BackendSession } from './backend.js';
import type { ValueMeta } from './check.js';
import type { ModelOutputs, OutputTensor } from './decode/index.js';
import { installCommand, OPTIONAL_PACKAGES } from './optional-packages.js';
import { threadCount } from './options.js';
import type { InputData } from './tensor.js';

type Tf = typeof import('@tensorflow/tfjs');
type TfWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type TfModel =
  | { kind: 'graph'; model: import('@tensorflow/tfjs').GraphModel }
  | { kind: 'layers'; model: import('@tensorflow/tfjs').LayersModel };

// A variable, so TypeScript and bundlers do not require the optional package to be installed.
const TFJS_NODE = '@tensorflow/tfjs-node';

let loaded: Promise<{ tf: Tf; runtime: string; provider: string }> | undefined;

/**
 * TensorFlow.js: `@tensorflow/tfjs-node` (native TensorFlow) when the user installed it, otherwise
 * `@tensorflow/tfjs` on the WebAssembly backend (SIMD; its .wasm files come from the npm package,
 * never a CDN). Loads tfjs graph models and layers models (Teachable Machine exports) from disk.
 * @example const session = await loadTfjs(pkg, options, logger); session.runtime // 'tfjs 4.22.0 (wasm, SIMD)'
 */
export const loadTfjs: BackendLoader = async (pkg, options, log) => {
  loaded ??= loadTensorflow(options.threads);
  const { tf, runtime, provider } = await loaded;
  // cpu and wasm both name what tfjs runs on: its WebAssembly backend (or tfjs-node's CPU).
  if (!['auto', 'cpu', 'wasm'].includes(options.accelerator)) {
    if (options.required) {
      throw new EdgecamError(
        'EDGECAM_ERR_ACCELERATOR',
        `The accelerator ${options.accelerator} is required but ${pkg.manifest.name} is a tfjs model, which runs on ${provider} (${runtime}): ` +
          'convert the model to ONNX to use an accelerator, or set inference.accelerator: auto',
      );
    }
    log.warn(
      { model: pkg.manifest.name, provider },
      `accelerator ${options.accelerator} does not apply to tfjs models; running ${pkg.manifest.name} on ${provider}`,
    );
  }
  const model = await loadModel(tf, pkg.modelPath);
  return new TfjsSession(tf, model, runtime, provider);
};

async function loadTensorflow(threads: number): Promise<{ tf: Tf; runtime: string; provider: string }> {
  try {
    const tf = (await import(TFJS_NODE)) as Tf;
    return { tf, runtime: `tfjs-node ${tf.version_core}`, provider: 'tensorflow' };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  const { tf, wasm } = await importTfjs();
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${dist}/`);
  // The threaded build needs browser Web Workers; under Node tfjs reports no thread support and
  // runs the single-threaded SIMD build, so the count only matters where threads exist.
  wasm.setThreadsCount(threadCount(threads));
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to start');
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multi = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  const features = [simd ? 'SIMD' : 'no SIMD', multi ? `${wasm.getThreadsCount()} threads` : '1 thread'];
  return { tf, runtime: `tfjs ${tf.version_core} (wasm, ${features.join(', ')})`, provider: 'wasm' };
}

/**
 * @tensorflow/tfjs and its WebAssembly backend, optional dependencies: an install from a bundle
 * leaves them out, so a missing one is EDGECAM_ERR_TFJS_MISSING with the command that adds them.
 */
async function importTfjs(): Promise<{ tf: Tf; wasm: TfWasm }> {
  try {
    return { tf: await import('@tensorflow/tfjs'), wasm: await import('@tensorflow/tfjs-backend-wasm') };
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new EdgecamError(
      'EDGECAM_ERR_TFJS_MISSING',
      `TensorFlow.js is not installed (${firstLine(err)}), and tfjs models need it (an install from a bundle leaves it out): ` +
        `install it with \`${installCommand(OPTIONAL_PACKAGES.tfjs)}\` (as root for /opt/edgecam), or convert the model to ONNX`,
      { cause: err },
    );
  }
}

async function loadModel(tf: Tf, path: string): Promise<TfModel> {
  let json: {
    format?: string;
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: unknown[] }[];
  };
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `Cannot read the tfjs model ${path}: ${firstLine(err)}. Give the model.json a tfjs converter or Teachable Machine wrote`,
      { cause: err },
    );
  }
  if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `${path} is not a tfjs model.json (no modelTopology or weightsManifest)`,
    );
  }
  const dir = dirname(path);
  const artifacts = await tf.io.getModelArtifactsForJSON(json as never, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const shards: Uint8Array[] = [];
    for (const group of manifest) {
      for (const p of group.paths) {
        const file = resolve(dir, p);
        try {
          shards.push(new Uint8Array(await readFile(file)));
        } catch (err) {
          throw new EdgecamError(
            'EDGECAM_ERR_MODEL_READ',
            `Missing weights shard ${file} listed in ${path}: ${firstLine(err)}. Copy every .bin file that came with model.json`,
            { cause: err },
          );
        }
      }
    }
    return [specs, concat(shards).buffer as ArrayBuffer];
  });
  const handler = tf.io.fromMemory(artifacts);
  try {
    return json.format === 'layers-model' || isLayersTopology(json.modelTopology)
      ? { kind: 'layers', model: await tf.loadLayersModel(handler) }
      : { kind: 'graph', model: await tf.loadGraphModel(handler) };
  } catch (err) {
    throw (
      operatorError(err, path) ??
      new EdgecamError('EDGECAM_ERR_MODEL_READ', `tfjs cannot load ${path}: ${firstLine(err)}`, {
        cause: err,
      })
    );
  }
}

function isLayersTopology(topology: unknown): boolean {
  return typeof topology === 'object' && topology !== null && 'class_name' in topology;
}

/** tfjs names the op it lacks: "Tensorflow Op is not supported: Foo" / "Unknown layer: Foo". */
function operatorError(err: unknown, path: string): EdgecamError | undefined {
  const message = err instanceof Error ? err.message : String(err);
  const op = /Op is not supported: (\S+)/.exec(message)?.[1] ?? /Unknown layer: (\S+)/.exec(message)?.[1];
  if (op === undefined) return undefined;
  return new EdgecamError(
    'EDGECAM_ERR_MODEL_OPERATOR',
    `${path} uses operator ${op.replace(/[.,]$/, '')}, which TensorFlow.js cannot run: re-export the model without it, or convert it to ONNX`,
    { cause: err },
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class TfjsSession implements BackendSession {
  readonly runtime: string;
  readonly provider: string;
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
  // tfjs has no uint8 tensors: images go in as int32, as the tfjs converter declares them.
  readonly acceptDtypes = { uint8: ['int32'], int8: ['int32'] };
  private readonly tf: Tf;
  private readonly model: TfModel;
  private intScratch = new Int32Array(0);

  constructor(tf: Tf, model: TfModel, runtime: string, provider: string) {
    this.tf = tf;
    this.model = model;
    this.runtime = runtime;
    this.provider = provider;
    const shapeOf = (s: readonly (number | null)[] | undefined) =>
      s?.map((d) => (d === null || d < 0 ? undefined : d));
    if (model.kind === 'graph') {
      const m = model.model;
      this.inputs = m.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: shapeOf(i.shape) }));
      this.outputs = m.outputs.map((o) => ({ name: o.name, dtype: o.dtype, shape: shapeOf(o.shape) }));
    } else {
      const m = model.model;
      this.inputs = m.inputs.map((i, k) => ({
        name: m.inputNames[k] ?? i.name,
        dtype: i.dtype,
        shape: shapeOf(i.shape),
      }));
      this.outputs = m.outputs.map((o, k) => ({
        name: m.outputNames[k] ?? o.name,
        dtype: o.dtype,
        shape: shapeOf(o.shape),
      }));
    }
  }

  async run(name: string, data: InputData, dims: readonly number[]): Promise<ModelOutputs> {
    const tf = this.tf;
    let values: Float32Array | Int32Array;
    if (data instanceof Float32Array) values = data;
    else {
      if (this.intScratch.length !== data.length) this.intScratch = new Int32Array(data.length);
      this.intScratch.set(data);
      values = this.intScratch;
    }
    const input = tf.tensor(values, [...dims], values instanceof Float32Array ? 'float32' : 'int32');
    let results: import('@tensorflow/tfjs').Tensor[];
    try {
      if (this.model.kind === 'graph') {
        // executeAsync runs models with control flow (the TF Object Detection API's NMS) too.
        const r = await this.model.model.executeAsync({ [name]: input });
        results = Array.isArray(r) ? r : [r];
      } else {
        const r = this.model.model.predict(input);
        results = Array.isArray(r) ? r : [r];
      }
    } catch (err) {
      throw (
        operatorError(err, this.runtime) ??
        new EdgecamError('EDGECAM_ERR_INFERENCE', `tfjs failed to run the model: ${firstLine(err)}`, {
          cause: err,
        })
      );
    } finally {
      input.dispose();
    }
    const out = new Map<string, OutputTensor>();
    for (let k = 0; k < results.length; k++) {
      const t = results[k]!;
      const data = await t.data();
      out.set(this.outputs[k]?.name ?? `output_${k}`, { dims: t.shape, data: data as ArrayLike<number> });
      t.dispose();
    }
    return out;
  }

  async close(): Promise<void> {
    this.model.model.dispose();
  }
}
