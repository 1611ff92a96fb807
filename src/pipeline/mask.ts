import type { MaskPolygons } from '../config/detection-schema.js';
import type { Box } from '../detection.js';
import { insidePolygon } from './zones.js';

/**
 * A camera's detection mask: polygons in normalised frame coordinates where detections are
 * dropped (a poster of a stop sign, a parked car, a screen). A box is masked when its centre is
 * inside any of them: the centre, not the bottom centre zones use, because a mask covers a thing
 * seen in the picture, not a place on the ground.
 */

/**
 * Whether the box's centre is inside any polygon of `mask`.
 * @example isMasked({ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }, [[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]]) // true
 */
export function isMasked(box: Readonly<Box>, mask: MaskPolygons): boolean {
  const x = box.x + box.w / 2;
  const y = box.y + box.h / 2;
  return mask.some((polygon) => insidePolygon(x, y, polygon));
}
