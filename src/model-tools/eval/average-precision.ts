import { iou } from '../../inference/decode/nms.js';
import type { GroundTruthBox } from './dataset.js';

/** A detection to score: image index, class, score and box (normalised, like the ground truth). */
export interface ScoredBox extends GroundTruthBox {
  readonly image: number;
  readonly score: number;
}

/** IoU thresholds of COCO's mAP@0.5:0.95. */
export const COCO_IOUS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] as const;

/** One class's precision-recall curve at one IoU threshold (raw, before the envelope). */
export interface PrCurve {
  readonly recall: Float64Array;
  readonly precision: Float64Array;
}

export interface ClassAp {
  readonly classId: number;
  /** Ground-truth objects of the class. */
  readonly objects: number;
  /** AP at each COCO_IOUS threshold; NaN when the class has no objects. */
  readonly ap: readonly number[];
  /** The curve at IoU 0.5, for the plot. */
  readonly curve: PrCurve;
}

/**
 * Average precision per class at each IoU threshold, COCO's way: detections of a class sorted by
 * score, each matched to the unmatched object of its image with the highest IoU at or above the
 * threshold; the precision envelope sampled at 101 recall points.
 * @example averagePrecision(detections, truths, 10)[0].ap[0] // AP@0.5 of class 0
 */
export function averagePrecision(
  detections: readonly ScoredBox[],
  truth: readonly (readonly GroundTruthBox[])[],
  classCount: number,
  ious: readonly number[] = COCO_IOUS,
): ClassAp[] {
  const result: ClassAp[] = [];
  for (let c = 0; c < classCount; c++) {
    const gts = truth.map((objects) => objects.filter((o) => o.classId === c));
    const objects = gts.reduce((n, g) => n + g.length, 0);
    // Stable: equal scores keep image order, so results do not depend on the sort's engine.
    const dets = detections
      .filter((d) => d.classId === c)
      .sort((a, b) => b.score - a.score || a.image - b.image);
    const overlaps = dets.map((d) => gts[d.image]!.map((g) => iou(d.box, g.box)));
    const ap: number[] = [];
    let curve: PrCurve = { recall: new Float64Array(0), precision: new Float64Array(0) };
    for (const t of ious) {
      const used = gts.map((g) => new Uint8Array(g.length));
      const tp = new Float64Array(dets.length);
      dets.forEach((d, k) => {
        let best = t;
        let bestJ = -1;
        const o = overlaps[k]!;
        for (let j = 0; j < o.length; j++) {
          if (used[d.image]![j] === 0 && o[j]! >= best) {
            best = o[j]!;
            bestJ = j;
          }
        }
        if (bestJ >= 0) {
          used[d.image]![bestJ] = 1;
          tp[k] = 1;
        }
      });
      const recall = new Float64Array(dets.length);
      const precision = new Float64Array(dets.length);
      let hits = 0;
      for (let k = 0; k < dets.length; k++) {
        hits += tp[k]!;
        recall[k] = objects > 0 ? hits / objects : 0;
        precision[k] = hits / (k + 1);
      }
      if (t === ious[0]) curve = { recall, precision };
      ap.push(objects === 0 ? Number.NaN : interpolatedAp(recall, precision));
    }
    result.push({ classId: c, objects, ap, curve });
  }
  return result;
}

/**
 * COCO's 101-point interpolated AP: the precision envelope (best precision at any higher recall)
 * sampled at recall 0, 0.01, ..., 1; recall points never reached count as 0.
 * @example interpolatedAp(Float64Array.of(0.5, 1), Float64Array.of(1, 1)) // 1
 */
export function interpolatedAp(recall: Float64Array, precision: Float64Array): number {
  const env = Float64Array.from(precision);
  for (let k = env.length - 2; k >= 0; k--) env[k] = Math.max(env[k]!, env[k + 1]!);
  let sum = 0;
  let k = 0;
  for (let i = 0; i <= 100; i++) {
    const r = i / 100;
    while (k < recall.length && recall[k]! < r) k++;
    if (k < recall.length) sum += env[k]!;
  }
  return sum / 101;
}

/** The mean of the numbers that are not NaN (classes without objects do not count); NaN when none. */
export function meanOf(values: readonly number[]): number {
  const real = values.filter((v) => !Number.isNaN(v));
  return real.length === 0 ? Number.NaN : real.reduce((a, b) => a + b, 0) / real.length;
}
