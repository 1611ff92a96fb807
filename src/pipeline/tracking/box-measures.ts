import type { Box } from '../../detection.js';

/** IoU of two boxes (0 when they do not overlap). */
export function iou(a: Box, b: Box): number {
  const inter = overlapArea(a, b);
  return inter === 0 ? 0 : inter / (a.w * a.h + b.w * b.h - inter);
}

/** Area of the intersection of two boxes. */
export function overlapArea(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  if (ix <= 0) return 0;
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return iy <= 0 ? 0 : ix * iy;
}

/**
 * How much larger or smaller `b` is than `a`: the log of the ratio of their sizes (square roots
 * of their areas), either way; 0 for equal areas, log(1.5) for one 1.5 times the other's size.
 */
export function sizeChange(a: Box, b: Box): number {
  return Math.abs(Math.log((b.w * b.h) / (a.w * a.h))) / 2;
}
