import type { Manifest } from '../manifest.js';
import type { Candidate, DecoderFactory, ModelOutputs } from './decoder.js';
import { declaredShape, formatDims, getOutput, labelMismatch, pickOutput } from './outputs.js';

type ClassificationSpec = Extract<Manifest['output'], { decoder: 'classification' }>;

/**
 * Classification: one score per class ([1, C], [C] or [1, C, 1, 1]) through softmax, sigmoid or
 * nothing, then the top-k classes at or above the threshold, best first.
 * @example createClassificationDecoder({ decoder: 'classification', activation: 'softmax', topK: 3, scoreThreshold: 0 }, ctx)
 */
export const createClassificationDecoder: DecoderFactory<ClassificationSpec> = (spec, ctx) => {
  const name = pickOutput(ctx, spec.output, 'classification');
  const classesOf = (dims: readonly number[]) =>
    dims.reduce((a, b) => a * Math.max(b, 1), 1) / Math.max(dims[0] ?? 1, 1);
  const declared = declaredShape(ctx, name);
  if (declared !== undefined && declared.length > 0 && declared.slice(1).every((d) => d > 0)) {
    const classes = declared.length === 1 ? declared[0]! : classesOf(declared);
    if (classes !== ctx.labels.length)
      throw labelMismatch(ctx, classes, `output '${name}' ${formatDims(declared)}`);
  }
  let probs = new Float64Array(0);
  return {
    decode(outputs: ModelOutputs): Candidate[] {
      const t = getOutput(outputs, name, ctx.where);
      const C = t.dims.length === 1 ? t.data.length : classesOf(t.dims);
      if (C !== ctx.labels.length) throw labelMismatch(ctx, C, `output '${name}' ${formatDims(t.dims)}`);
      if (probs.length !== C) probs = new Float64Array(C);
      activate(t.data, C, spec.activation, probs);
      const k = Math.min(spec.topK, C);
      const picked: Candidate[] = [];
      // Top-k by repeated selection: k is small (5) and C rarely passes 1000.
      const taken = new Uint8Array(C);
      for (let n = 0; n < k; n++) {
        let best = -1;
        for (let c = 0; c < C; c++) if (!taken[c] && (best < 0 || probs[c]! > probs[best]!)) best = c;
        if (best < 0 || probs[best]! < spec.scoreThreshold) break;
        taken[best] = 1;
        picked.push({ classId: best, score: probs[best]! });
      }
      return picked;
    },
  };
};

function activate(
  x: ArrayLike<number>,
  C: number,
  kind: ClassificationSpec['activation'],
  out: Float64Array,
): void {
  if (kind === 'softmax') {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) max = Math.max(max, x[c]!);
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(x[c]! - max);
      out[c] = e;
      sum += e;
    }
    for (let c = 0; c < C; c++) out[c] = out[c]! / sum;
  } else if (kind === 'sigmoid') {
    for (let c = 0; c < C; c++) out[c] = 1 / (1 + Math.exp(-x[c]!));
  } else {
    for (let c = 0; c < C; c++) out[c] = x[c]!;
  }
}
