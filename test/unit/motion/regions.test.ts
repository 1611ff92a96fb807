import { describe, expect, it } from 'vitest';
import { maskGrid } from '../../../src/motion/mask.js';
import { RegionLabeller } from '../../../src/motion/regions.js';

/** A 0/1 grid from rows of '#' (set) and '.' (clear). */
function grid(rows: string[]): { data: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  return {
    data: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)),
    width,
    height: rows.length,
  };
}

describe('RegionLabeller', () => {
  it('boxes each 8-connected region, largest first, joining a U shape the first pass split', () => {
    const g = grid(['#..#....##', '#..#.....#', '####......', '......#...', '.......#..']);
    const regions = new RegionLabeller(g.width, g.height).regions(g.data, 1);
    expect(regions).toEqual([
      { x0: 0, y0: 0, x1: 3, y1: 2, area: 8 },
      { x0: 8, y0: 0, x1: 9, y1: 1, area: 3 },
      { x0: 6, y0: 3, x1: 7, y1: 4, area: 2 },
    ]);
  });

  it('leaves out regions under the minimum area, and reuses its buffers across frames', () => {
    const labeller = new RegionLabeller(4, 2);
    expect(labeller.regions(grid(['##.#', '##..']).data, 2)).toEqual([
      { x0: 0, y0: 0, x1: 1, y1: 1, area: 4 },
    ]);
    expect(labeller.regions(grid(['....', '....']).data, 1)).toEqual([]);
    expect(labeller.regions(grid(['#.#.', '.#.#']).data, 1)).toEqual([
      { x0: 0, y0: 0, x1: 3, y1: 1, area: 4 },
    ]);
  });
});

describe('maskGrid', () => {
  it('clears the cells whose centres a polygon covers', () => {
    const left = maskGrid(
      [
        [
          [0, 0],
          [0.5, 0],
          [0.5, 1],
          [0, 1],
        ],
      ],
      4,
      2,
    );
    expect([...left]).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect([...maskGrid([], 2, 1)]).toEqual([1, 1]);
  });
});
