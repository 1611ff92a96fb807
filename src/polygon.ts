/**
 * Polygons in normalised frame coordinates (0, 0 top-left, 1, 1 bottom-right), as zones and
 * masks are written in the config: a shared word, so that the pipeline (zones) and motion (its
 * mask) test points the same way.
 */

/** At least 3 [x, y] corners, each 0..1. */
export type Polygon = readonly (readonly [number, number])[];

/**
 * Whether (x, y) is inside the polygon (even-odd rule; a point on an edge may fall either way).
 * @example insidePolygon(0.5, 0.5, [[0, 0], [1, 0], [1, 1], [0, 1]]) // true
 */
export function insidePolygon(x: number, y: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
