import { EdgecamError } from '../../errors.js';
import type { Manifest } from '../manifest.js';
import type { Candidate, DecoderContext, DecoderFactory, ModelOutputs } from './decoder.js';
import { nms } from './nms.js';
import { formatDims, getOutput, pickOutput } from './outputs.js';

type SsdSpec = Extract<Manifest['output'], { decoder: 'ssd' }>;

// The names the TF Object Detection API gives its post-processed outputs.
const TF_NAMES = {
  boxes: 'detection_boxes',
  classes: 'detection_classes',
  scores: 'detection_scores',
  count: 'num_detections',
} as const;

/**
 * SSD as the TF Object Detection API exports it (also via tf2onnx and tfjs): boxes [1, N, 4] as
 * ymin, xmin, ymax, xmax normalised to the input, classes [1, N] (float ids), scores [1, N] and
 * count [1]. NMS has run in the model already; a class-aware pass here only enforces
 * maxDetections and the IoU setting.
 * @example createSsdDecoder({ decoder: 'ssd', classOffset: -1, scoreThreshold: 0.5, iouThreshold: 0.6, maxDetections: 100, classAware: true }, ctx)
 */
export const createSsdDecoder: DecoderFactory<SsdSpec> = (spec, ctx) => {
  const names = outputNames(spec, ctx);
  return {
    decode(outputs: ModelOutputs): Candidate[] {
      const boxes = getOutput(outputs, names.boxes, ctx.where);
      const classes = getOutput(outputs, names.classes, ctx.where);
      const scores = getOutput(outputs, names.scores, ctx.where);
      const count = getOutput(outputs, names.count, ctx.where);
      const N = scores.data.length;
      if (boxes.data.length !== N * 4 || classes.data.length !== N) {
        throw new EdgecamError(
          'EDGECAM_ERR_MODEL_MISMATCH',
          `${ctx.where}: SSD outputs disagree: boxes ${formatDims(boxes.dims)}, classes ${formatDims(classes.dims)}, ` +
            `scores ${formatDims(scores.dims)}; expected [1, N, 4], [1, N], [1, N]: check output.outputs in model.json`,
        );
      }
      const n = Math.min(N, Math.max(0, Math.round(count.data[0] ?? N)));
      const found: Candidate[] = [];
      for (let i = 0; i < n; i++) {
        const score = scores.data[i]!;
        if (score < spec.scoreThreshold) continue;
        const ymin = boxes.data[i * 4]!;
        const xmin = boxes.data[i * 4 + 1]!;
        const ymax = boxes.data[i * 4 + 2]!;
        const xmax = boxes.data[i * 4 + 3]!;
        const classId = Math.round(classes.data[i]!) + spec.classOffset;
        found.push({ classId, score, box: { x: xmin, y: ymin, w: xmax - xmin, h: ymax - ymin } });
      }
      return nms(found, spec);
    },
  };
};

function outputNames(
  spec: SsdSpec,
  ctx: DecoderContext,
): { boxes: string; classes: string; scores: string; count: string } {
  if (spec.outputs !== undefined) {
    return {
      boxes: pickOutput(ctx, spec.outputs.boxes, 'ssd'),
      classes: pickOutput(ctx, spec.outputs.classes, 'ssd'),
      scores: pickOutput(ctx, spec.outputs.scores, 'ssd'),
      count: pickOutput(ctx, spec.outputs.count, 'ssd'),
    };
  }
  const have = new Set(ctx.outputs.map((o) => o.name));
  if (Object.values(TF_NAMES).every((n) => have.has(n))) return { ...TF_NAMES };
  if (ctx.outputs.length < 4) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MISMATCH',
      `${ctx.where}: the ssd decoder needs 4 outputs (boxes, classes, scores, count) but the model has ` +
        `${ctx.outputs.length}: ${ctx.outputs.map((o) => `'${o.name}'`).join(', ')}`,
    );
  }
  const [boxes, classes, scores, count] = ctx.outputs.map((o) => o.name);
  return { boxes: boxes!, classes: classes!, scores: scores!, count: count! };
}
