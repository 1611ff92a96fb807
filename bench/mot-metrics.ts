import type { Box } from '../src/detection.js';
import { Assignment } from '../src/pipeline/tracking/assignment.js';
import { iou } from '../src/pipeline/tracking/box-measures.js';

/**
 * The standard multi-object tracking figures, as py-motmetrics computes them
 * (https://github.com/cheind/py-motmetrics): CLEAR-MOT (Bernardin and Stiefelhagen 2008,
 * https://doi.org/10.1155/2008/246309) and the identity measures (Ristani et al. 2016,
 * https://arxiv.org/abs/1609.01775). A ground-truth box and a tracker's box can match when their
 * IoU is at least `threshold` (0.5, as MOTChallenge does).
 *
 * - Per frame, a ground-truth object keeps the tracker id it matched last frame while that still
 *   overlaps enough; the rest are matched by minimum-cost assignment on 1 - IoU. A ground-truth
 *   object matched to another id than the one it matched last (any frame before) is an ID switch.
 *   MOTA = 1 - (misses + false positives + ID switches) / ground-truth boxes.
 * - IDF1: each ground-truth track is paired with at most one tracker id, once for the whole
 *   sequence, to maximise the frames where the pair overlaps (IDTP). IDF1 = 2 IDTP / (ground-truth
 *   boxes + tracker boxes).
 */

/** One box of one frame, ground truth or the tracker's, with its track's id. */
export interface MotBox {
  readonly id: string;
  readonly box: Box;
}

export interface MotFrame {
  readonly truth: readonly MotBox[];
  readonly tracked: readonly MotBox[];
}

export interface MotSummary {
  readonly truthBoxes: number;
  readonly trackedBoxes: number;
  readonly truthTracks: number;
  readonly trackedTracks: number;
  readonly matches: number;
  readonly misses: number;
  readonly falsePositives: number;
  readonly idSwitches: number;
  readonly mota: number;
  readonly idtp: number;
  readonly idf1: number;
}

const INFEASIBLE = 1e6;

/**
 * The CLEAR-MOT and identity figures of a sequence.
 * @example motMetrics([{ truth: [{ id: 'a', box }], tracked: [{ id: '1', box }] }]).mota // 1
 */
export function motMetrics(frames: readonly MotFrame[], threshold = 0.5): MotSummary {
  const solver = new Assignment();
  /** Per ground-truth id, the tracker id it matched last (in any earlier frame). */
  const last = new Map<string, string>();
  /** Frames in which each (ground truth, tracker) pair overlaps enough: "gt\u0000hyp" -> count. */
  const overlaps = new Map<string, number>();
  let truthBoxes = 0;
  let trackedBoxes = 0;
  let matches = 0;
  let idSwitches = 0;
  let previous = new Map<string, string>();
  for (const { truth, tracked } of frames) {
    truthBoxes += truth.length;
    trackedBoxes += tracked.length;
    for (const g of truth)
      for (const h of tracked)
        if (iou(g.box, h.box) >= threshold) {
          const key = `${g.id}\u0000${h.id}`;
          overlaps.set(key, (overlaps.get(key) ?? 0) + 1);
        }
    const now = new Map<string, string>();
    const usedTruth = new Set<number>();
    const usedTracked = new Set<number>();
    // Correspondences of the frame before that still hold are kept.
    truth.forEach((g, gi) => {
      const was = previous.get(g.id);
      const hi = tracked.findIndex((h) => h.id === was);
      if (hi < 0 || usedTracked.has(hi) || iou(g.box, tracked[hi]!.box) < threshold) return;
      now.set(g.id, tracked[hi]!.id);
      usedTruth.add(gi);
      usedTracked.add(hi);
    });
    const rows = truth.map((_, i) => i).filter((i) => !usedTruth.has(i));
    const cols = tracked.map((_, i) => i).filter((i) => !usedTracked.has(i));
    const cost = new Float64Array(rows.length * cols.length);
    for (const [r, gi] of rows.entries()) {
      for (const [c, hi] of cols.entries()) {
        const o = iou(truth[gi]!.box, tracked[hi]!.box);
        cost[r * cols.length + c] = o >= threshold ? 1 - o : INFEASIBLE;
      }
    }
    const match = new Int32Array(rows.length);
    solver.solve(cost, rows.length, cols.length, match);
    rows.forEach((gi, r) => {
      const c = match[r]!;
      if (c < 0 || cost[r * cols.length + c]! >= INFEASIBLE) return;
      const g = truth[gi]!;
      const h = tracked[cols[c]!]!;
      const before = last.get(g.id);
      if (before !== undefined && before !== h.id) idSwitches++;
      now.set(g.id, h.id);
    });
    for (const [g, h] of now) last.set(g, h);
    matches += now.size;
    previous = now;
  }
  const truthIds = new Set(frames.flatMap((f) => f.truth.map((b) => b.id)));
  const trackedIds = new Set(frames.flatMap((f) => f.tracked.map((b) => b.id)));
  const idtp = identityMatches([...truthIds], [...trackedIds], overlaps, solver);
  const misses = truthBoxes - matches;
  const falsePositives = trackedBoxes - matches;
  return {
    truthBoxes,
    trackedBoxes,
    truthTracks: truthIds.size,
    trackedTracks: trackedIds.size,
    matches,
    misses,
    falsePositives,
    idSwitches,
    mota: truthBoxes === 0 ? 1 : 1 - (misses + falsePositives + idSwitches) / truthBoxes,
    idtp,
    idf1: truthBoxes + trackedBoxes === 0 ? 1 : (2 * idtp) / (truthBoxes + trackedBoxes),
  };
}

/** IDTP: the most overlapping frames one-to-one pairs of ground-truth and tracker ids can have. */
function identityMatches(
  truth: readonly string[],
  tracked: readonly string[],
  overlaps: ReadonlyMap<string, number>,
  solver: Assignment,
): number {
  const cost = new Float64Array(truth.length * tracked.length);
  for (const [r, g] of truth.entries()) {
    for (const [c, h] of tracked.entries())
      cost[r * tracked.length + c] = -(overlaps.get(`${g}\u0000${h}`) ?? 0);
  }
  const match = new Int32Array(truth.length);
  solver.solve(cost, truth.length, tracked.length, match);
  let idtp = 0;
  match.forEach((c, r) => {
    if (c >= 0) idtp -= cost[r * tracked.length + c]!;
  });
  return idtp;
}
