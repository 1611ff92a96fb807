import * as ort from 'onnxruntime-node';
import { decodeOnnxModel, encodeOnnxModel } from '../../src/inference/onnx-model.js';
import type { Ranges } from './models.js';

/**
 * Runs a float model on sample inputs with every node output exposed, and returns each
 * activation's min and max: the calibration step of static int8 quantization.
 * @example const ranges = await calibrate(bytes, [{ images: tensor }])
 */
export async function calibrate(
  bytes: Uint8Array,
  samples: readonly Record<string, ort.Tensor>[],
): Promise<Ranges> {
  const model = decodeOnnxModel(bytes);
  const names = new Set<string>();
  for (const n of model.graph.nodes) for (const o of n.outputs) names.add(o);
  for (const i of model.graph.inputs) names.add(i.name);
  const outputs = new Set(model.graph.outputs.map((o) => o.name));
  for (const name of names) {
    if (!outputs.has(name) && !model.graph.inputs.some((i) => i.name === name)) {
      model.graph.outputs.push({ name, elemType: 1, shape: undefined, unknown: [] });
    }
  }
  const session = await ort.InferenceSession.create(encodeOnnxModel(model), { logSeverityLevel: 3 });
  const ranges = new Map<string, { min: number; max: number }>();
  const note = (name: string, data: ArrayLike<number>) => {
    const r = ranges.get(name) ?? { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    for (let i = 0; i < data.length; i++) {
      r.min = Math.min(r.min, data[i]!);
      r.max = Math.max(r.max, data[i]!);
    }
    ranges.set(name, r);
  };
  try {
    for (const sample of samples) {
      const result = await session.run(sample);
      for (const [name, t] of Object.entries(result)) note(name, t.data as Float32Array);
      for (const [name, t] of Object.entries(sample)) note(name, t.data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return ranges;
}
