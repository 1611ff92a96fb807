import type { Detection } from '../../detection.js';

/**
 * The order of the objects in a detections message, for a robot that acts on "the nearest sign"
 * or "the largest": by box area, largest first, or by the distance in pixels from the box's centre
 * to a point of the frame, nearest first. Ties keep the model's order (Array.prototype.sort is
 * stable). Sorts in place; boxless detections (a classifier's) go last.
 */

export interface OrderSettings {
  readonly order: 'size' | 'distance';
  readonly point: readonly [number, number];
}

/**
 * Sorts `detections` in place.
 * @example orderObjects(found, { order: 'distance', point: [0.5, 1] }, 640, 480)
 */
export function orderObjects(
  detections: Detection[],
  settings: OrderSettings,
  width: number,
  height: number,
): Detection[] {
  if (settings.order === 'size') return detections.sort((a, b) => area(b) - area(a));
  const [px, py] = settings.point;
  const distance = (d: Detection) => {
    if (d.box === undefined) return Number.POSITIVE_INFINITY;
    const dx = (d.box.x + d.box.w / 2 - px) * width;
    const dy = (d.box.y + d.box.h / 2 - py) * height;
    return dx * dx + dy * dy;
  };
  return detections.sort((a, b) => distance(a) - distance(b));
}

function area(d: Detection): number {
  return d.box === undefined ? -1 : d.box.w * d.box.h;
}
