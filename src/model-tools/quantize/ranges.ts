import { loadOnnxRuntime, type OnnxRuntime } from '../../inference/onnx-runtime.js';
import { threadCount } from '../../inference/options.js';
import { decodeOnnxModel } from '../../onnx/decode.js';
import { encodeOnnxModel } from '../../onnx/encode.js';
import { tensorTypes } from './graph-types.js';

/** Each float tensor's smallest and largest value over the calibration inputs. */
export type ActivationRanges = ReadonlyMap<string, { readonly min: number; readonly max: number }>;

/** One calibration input: the model input's name, its data and dims. */
export interface CalibrationInput {
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface CalibrateOptions {
  /** The ONNX Runtime to run the model on; default: onnxruntime-node, or the WebAssembly build where it cannot load. */
  readonly runtime?: OnnxRuntime;
  /** Called after each input with how many are done. */
  readonly onInput?: (done: number) => void;
}

/**
 * Runs a float model in ONNX Runtime with every float tensor exposed as an output, over the
 * calibration inputs, and keeps each tensor's min and max: the calibration step of static
 * quantisation (ORT's MinMax method). Inputs are pulled one at a time, so a large folder never
 * sits in memory.
 * @example const ranges = await calibrate(bytes, images(), { onInput: (done) => bar.update(done, total) })
 */
export async function calibrate(
  bytes: Uint8Array,
  inputs: AsyncIterable<CalibrationInput> | Iterable<CalibrationInput>,
  options: CalibrateOptions = {},
): Promise<ActivationRanges> {
  const { onInput } = options;
  const runtime = options.runtime ?? (await loadOnnxRuntime('any', threadCount(0))).runtime;
  const { ort } = runtime;
  const model = decodeOnnxModel(bytes);
  const g = model.graph;
  const types = tensorTypes(g);
  const initializers = new Set(g.initializers.map((t) => t.name));
  const declared = new Set(g.outputs.map((o) => o.name));
  const constants = new Set(g.nodes.filter((n) => n.opType === 'Constant').flatMap((n) => n.outputs));
  const watched: string[] = [];
  for (const name of [...g.inputs.map((i) => i.name), ...g.nodes.flatMap((n) => n.outputs)]) {
    if (name === '' || initializers.has(name) || constants.has(name) || types.get(name) !== 1) continue;
    watched.push(name);
    if (!declared.has(name) && !g.inputs.some((i) => i.name === name)) {
      g.outputs.push({ name, elemType: 1, shape: undefined, unknown: [] });
    }
  }
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), {
    executionProviders: [runtime.build === 'wasm' ? 'wasm' : 'cpu'],
    logSeverityLevel: 3,
    // Every tensor is an output, so graph rewrites could only rename or fuse what we watch.
    graphOptimizationLevel: 'disabled',
  });
  const ranges = new Map<string, { min: number; max: number }>();
  const note = (name: string, data: ArrayLike<number>) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const r = ranges.get(name);
    if (r === undefined) ranges.set(name, { min, max });
    else {
      r.min = Math.min(r.min, min);
      r.max = Math.max(r.max, max);
    }
  };
  try {
    let done = 0;
    for await (const input of inputs) {
      const feed = { [input.name]: new ort.Tensor('float32', input.data, input.dims) };
      const result = await session.run(feed);
      note(input.name, input.data);
      for (const name of watched) {
        const t = result[name];
        if (t !== undefined) note(name, t.data as Float32Array);
      }
      onInput?.(++done);
    }
  } finally {
    await session.release();
  }
  return ranges;
}
