import type { Box } from '../../detection.js';
import { sizeChange } from './box-measures.js';

/**
 * Whether an object that comes back is one the tracker lost, and how well it fits: the gate of
 * the tracker's re-finding (tracker.ts). IoU cannot tell once an object has been missed for a
 * while: a sign hidden behind a nearer one speeds up and grows as the camera nears it, and the
 * constant-velocity prediction falls behind, often off its box altogether. So the test is looser
 * and made in sizes: the new box's centre within one predicted size of the predicted centre (a
 * size that grows 10% for each frame missed, as the prediction's error does), and its size within
 * 1.5x of the predicted one. Measured with bench/tracking.ts: wider gates (1.5 sizes, or 2x)
 * re-find more on the fast drive but hand lost tracks to new signs in the occlusion scenes.
 */

/** How far the centre may be, in predicted sizes (before the growth per missed frame). */
const REACH = 1;
/** Growth of the reach per missed frame. */
const REACH_PER_MISS = 0.1;
/** Largest ratio between the new box's size and the predicted one, either way. */
const SIZE_RATIO = 1.5;

/**
 * The distance (centres apart, in the reach's sizes, plus the log of the size ratio) between a
 * lost object's `predicted` box, `missed` frames after its last sighting, and a new `box`; -1
 * when the new box is out of the gate.
 * @example reappearDistance({ x: 0.5, y: 0.5, w: 0.1, h: 0.1 }, 5, { x: 0.55, y: 0.5, w: 0.1, h: 0.1 }) // 0.333…
 */
export function reappearDistance(predicted: Box, missed: number, box: Box): number {
  const size = Math.sqrt(predicted.w * predicted.h);
  const reach = size * (REACH + REACH_PER_MISS * missed);
  const dx = box.x + box.w / 2 - (predicted.x + predicted.w / 2);
  const dy = box.y + box.h / 2 - (predicted.y + predicted.h / 2);
  const distance = Math.hypot(dx, dy) / reach;
  const ratio = sizeChange(predicted, box);
  if (distance > 1 || ratio > Math.log(SIZE_RATIO)) return -1;
  return distance + ratio;
}
