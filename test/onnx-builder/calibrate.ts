import type * as ort from 'onnxruntime-node';
import { calibrate as calibrateInputs } from '../../src/model-tools/quantize/ranges.js';
import type { Ranges } from './models.js';

/**
 * Each activation's min and max over sample inputs, by the product's calibration (what `edgecam
 * model quantize` runs); samples as ORT feeds, for tests and benchmarks that build tensors themselves.
 * @example const ranges = await calibrate(bytes, [{ images: tensor }])
 */
export async function calibrate(
  bytes: Uint8Array,
  samples: readonly Record<string, ort.Tensor>[],
): Promise<Ranges> {
  const inputs = samples.flatMap((s) =>
    Object.entries(s).map(([name, t]) => ({ name, data: t.data as Float32Array, dims: t.dims })),
  );
  return calibrateInputs(bytes, inputs);
}
