import type { Candidate } from './decoder.js';

export interface NmsOptions {
  readonly iouThreshold: number;
  readonly maxDetections: number;
  /** true: only boxes of the same class suppress each other. */
  readonly classAware: boolean;
}

/**
 * Greedy non-maximum suppression: highest score first, dropping every later box whose IoU with a
 * kept box (of the same class when class-aware) exceeds the threshold, up to maxDetections.
 * @example nms(candidates, { iouThreshold: 0.45, maxDetections: 100, classAware: true })
 */
export function nms(candidates: readonly Candidate[], options: NmsOptions): Candidate[] {
  const order = candidates
    .filter((c) => c.box !== undefined)
    .sort((a, b) => b.score - a.score || a.classId - b.classId);
  const kept: Candidate[] = [];
  for (const c of order) {
    if (kept.length >= options.maxDetections) break;
    let suppressed = false;
    for (const k of kept) {
      if (options.classAware && k.classId !== c.classId) continue;
      if (iou(k.box!, c.box!) > options.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(c);
  }
  return kept;
}

/**
 * Intersection over union of two boxes (x, y top-left, w, h); 0 when either is empty.
 * @example iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }) // 1/3
 */
export function iou(
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
