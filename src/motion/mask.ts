import { insidePolygon, type Polygon } from '../polygon.js';

/**
 * A motion mask rasterised for one grid size: 1 where motion counts, 0 inside a mask polygon
 * (tested at each cell's centre). Built once per frame size and mask, read per pixel per frame.
 * @example maskGrid([[[0, 0], [1, 0], [1, 0.1], [0, 0.1]]], 160, 90) // the top tenth ignored
 */
export function maskGrid(polygons: readonly Polygon[], width: number, height: number): Uint8Array {
  const grid = new Uint8Array(width * height).fill(1);
  if (polygons.length === 0) return grid;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      if (polygons.some((p) => insidePolygon(u, v, p))) grid[y * width + x] = 0;
    }
  }
  return grid;
}
