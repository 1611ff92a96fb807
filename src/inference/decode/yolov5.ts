import { EdgecamError } from '../../errors.js';
import type { Manifest } from '../manifest.js';
import type { Candidate, DecoderFactory, ModelOutputs } from './decoder.js';
import { nms } from './nms.js';
import { declaredShape, formatDims, getOutput, labelMismatch, pickOutput } from './outputs.js';

type YoloV5Spec = Extract<Manifest['output'], { decoder: 'yolov5' }>;

/**
 * YOLOv5 (and v7) detection head: [1, N, 5 + C], each row cx, cy, w, h, objectness, then class
 * scores (already sigmoid in the official export). Score = objectness x best class score; rows
 * below the threshold on objectness alone are skipped early; then class-aware NMS.
 * @example createYoloV5Decoder({ decoder: 'yolov5', scoreThreshold: 0.25, iouThreshold: 0.45, maxDetections: 100, classAware: true, boxes: 'pixels' }, ctx)
 */
export const createYoloV5Decoder: DecoderFactory<YoloV5Spec> = (spec, ctx) => {
  const name = pickOutput(ctx, spec.output, 'yolov5');
  const C = ctx.labels.length;
  const check = (dims: readonly number[]) => {
    const row = dims[dims.length - 1]!;
    if (dims.length !== 3 || row !== 5 + C) {
      if (row > 5)
        throw labelMismatch(ctx, row - 5, `output '${name}' ${formatDims(dims)}, 5 box values + classes`);
      throw new EdgecamError(
        'EDGECAM_ERR_MODEL_MISMATCH',
        `${ctx.where}: the yolov5 decoder expects output '${name}' as [1, N, 5 + classes] but it is ${formatDims(dims)}`,
      );
    }
  };
  const declared = declaredShape(ctx, name);
  if (declared !== undefined && declared.length === 3 && declared[2]! > 0) check(declared);
  const sx = spec.boxes === 'pixels' ? 1 / ctx.inputWidth : 1;
  const sy = spec.boxes === 'pixels' ? 1 / ctx.inputHeight : 1;
  return {
    decode(outputs: ModelOutputs): Candidate[] {
      const t = getOutput(outputs, name, ctx.where);
      check(t.dims);
      const d = t.data;
      const N = t.dims[1]!;
      const stride = 5 + C;
      const found: Candidate[] = [];
      for (let n = 0; n < N; n++) {
        const o = n * stride;
        const obj = d[o + 4]!;
        if (obj < spec.scoreThreshold) continue;
        let best = Number.NEGATIVE_INFINITY;
        let bc = 0;
        for (let c = 0; c < C; c++) {
          if (d[o + 5 + c]! > best) {
            best = d[o + 5 + c]!;
            bc = c;
          }
        }
        const score = obj * best;
        if (score < spec.scoreThreshold) continue;
        const w = d[o + 2]! * sx;
        const h = d[o + 3]! * sy;
        found.push({ classId: bc, score, box: { x: d[o]! * sx - w / 2, y: d[o + 1]! * sy - h / 2, w, h } });
      }
      return nms(found, spec);
    },
  };
};
