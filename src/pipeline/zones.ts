import type { ZonePolygon } from '../config/detection-schema.js';
import { insidePolygon } from '../polygon.js';

/**
 * Zones: named polygons in normalised frame coordinates. A detection is in a zone when its box's
 * bottom centre (where an object stands on the ground) is inside the polygon.
 */

// Declared on the ground floor (motion masks test points the same way); re-exported where zones were.
export { insidePolygon };

/**
 * The names of the zones a box's bottom centre is in.
 * @example zonesOf({ x: 0.4, y: 0.6, w: 0.2, h: 0.3 }, { driveway: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] }) // ['driveway']
 */
export function zonesOf(
  box: { readonly x: number; readonly y: number; readonly w: number; readonly h: number },
  zones: Readonly<Record<string, ZonePolygon>>,
): string[] {
  const x = box.x + box.w / 2;
  const y = box.y + box.h;
  return Object.keys(zones).filter((name) => insidePolygon(x, y, zones[name]!));
}
