import type { Manifest } from '../manifest.js';
import type { Candidate, DecoderFactory, ModelOutputs } from './decoder.js';
import { nms } from './nms.js';
import { declaredShape, formatDims, getOutput, labelMismatch, pickOutput } from './outputs.js';

type YoloV8Spec = Extract<Manifest['output'], { decoder: 'yolov8' }>;

/**
 * YOLOv8/YOLO11 detection head: [1, 4 + C, N] (Ultralytics' ONNX export) or its transpose
 * [1, N, 4 + C]; rows cx, cy, w, h, then one score per class (no objectness). The best class per
 * anchor at or above the threshold, then class-aware NMS.
 * @example createYoloV8Decoder({ decoder: 'yolov8', scoreThreshold: 0.25, iouThreshold: 0.45, maxDetections: 100, classAware: true, boxes: 'pixels' }, ctx)
 */
export const createYoloV8Decoder: DecoderFactory<YoloV8Spec> = (spec, ctx) => {
  const name = pickOutput(ctx, spec.output, 'yolov8');
  const C = ctx.labels.length;
  // true when the layout is [1, N, 4 + C]; channels-first unless only the last axis fits.
  const transposedLayout = (dims: readonly number[]): boolean => {
    if (dims.length === 3 && dims[1] === 4 + C) return false;
    if (dims.length === 3 && dims[2] === 4 + C) return true;
    // The class axis is the shorter one (a few classes against thousands of anchors).
    const known = dims.slice(1).filter((d) => d > 0);
    const rows = dims.length === 3 && known.length > 0 ? Math.min(...known) : 4;
    throw labelMismatch(ctx, rows - 4, `output '${name}' ${formatDims(dims)}, 4 box rows + one per class`);
  };
  const declared = declaredShape(ctx, name);
  if (declared !== undefined && declared.length === 3 && (declared[1]! > 0 || declared[2]! > 0)) {
    transposedLayout(declared);
  }
  const sx = spec.boxes === 'pixels' ? 1 / ctx.inputWidth : 1;
  const sy = spec.boxes === 'pixels' ? 1 / ctx.inputHeight : 1;
  let best = new Float32Array(0);
  let bestClass = new Int32Array(0);
  return {
    decode(outputs: ModelOutputs): Candidate[] {
      const t = getOutput(outputs, name, ctx.where);
      const transposed = transposedLayout(t.dims);
      const d = t.data;
      const N = transposed ? t.dims[1]! : t.dims[2]!;
      if (best.length < N) {
        best = new Float32Array(N);
        bestClass = new Int32Array(N);
      }
      // Channels-first: scan class rows in memory order, keeping each anchor's best so far.
      if (!transposed) {
        best.fill(Number.NEGATIVE_INFINITY, 0, N);
        for (let c = 0; c < C; c++) {
          const row = (4 + c) * N;
          for (let n = 0; n < N; n++) {
            const s = d[row + n]!;
            if (s > best[n]!) {
              best[n] = s;
              bestClass[n] = c;
            }
          }
        }
      } else {
        for (let n = 0; n < N; n++) {
          const row = n * (4 + C) + 4;
          let b = Number.NEGATIVE_INFINITY;
          let bc = 0;
          for (let c = 0; c < C; c++) {
            if (d[row + c]! > b) {
              b = d[row + c]!;
              bc = c;
            }
          }
          best[n] = b;
          bestClass[n] = bc;
        }
      }
      const found: Candidate[] = [];
      for (let n = 0; n < N; n++) {
        const score = best[n]!;
        if (score < spec.scoreThreshold) continue;
        const at = (k: number) => (transposed ? d[n * (4 + C) + k]! : d[k * N + n]!);
        const w = at(2) * sx;
        const h = at(3) * sy;
        found.push({
          classId: bestClass[n]!,
          score,
          box: { x: at(0) * sx - w / 2, y: at(1) * sy - h / 2, w, h },
        });
      }
      return nms(found, spec);
    },
  };
};
