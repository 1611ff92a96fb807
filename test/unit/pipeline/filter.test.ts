import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import { filterDetections } from '../../../src/pipeline/filter.js';
import { insidePolygon, zonesOf } from '../../../src/pipeline/zones.js';

const lowerHalf: [number, number][] = [
  [0, 0.5],
  [1, 0.5],
  [1, 1],
  [0, 1],
];
const triangle: [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
];

describe('zones', () => {
  it('tells inside from outside, for convex and non-axis-aligned polygons', () => {
    expect(insidePolygon(0.5, 0.75, lowerHalf)).toBe(true);
    expect(insidePolygon(0.5, 0.25, lowerHalf)).toBe(false);
    expect(insidePolygon(0.2, 0.2, triangle)).toBe(true);
    expect(insidePolygon(0.8, 0.8, triangle)).toBe(false);
  });

  it("uses the box's bottom centre: a box above the zone whose feet are in it counts", () => {
    // Box from y 0.2 to 0.6: its top is outside the lower half, its bottom centre (0.5, 0.6) inside.
    expect(zonesOf({ x: 0.4, y: 0.2, w: 0.2, h: 0.4 }, { ground: lowerHalf, corner: triangle })).toEqual([
      'ground',
    ]);
    expect(zonesOf({ x: 0.4, y: 0.1, w: 0.2, h: 0.3 }, { ground: lowerHalf })).toEqual([]);
  });
});

describe('filterDetections', () => {
  const found: Detection[] = [
    { label: 'stop', classId: 0, score: 0.9, box: { x: 0.1, y: 0.6, w: 0.2, h: 0.2 } },
    { label: 'stop', classId: 0, score: 0.3, box: { x: 0.1, y: 0.6, w: 0.2, h: 0.2 } },
    { label: 'yield', classId: 1, score: 0.8, box: { x: 0.5, y: 0.1, w: 0.2, h: 0.2 } },
    { label: 'yield', classId: 1, score: 0.8, box: { x: 0.5, y: 0.7, w: 0.01, h: 0.01 } },
  ];
  const none = { threshold: 0, labels: [], minArea: 0, mask: [], zones: {} };

  it('keeps scores at or above the threshold', () => {
    expect(filterDetections(found, { ...none, threshold: 0.5 })).toHaveLength(3);
  });

  it('keeps only the listed labels', () => {
    expect(filterDetections(found, { ...none, labels: ['yield'] }).map((d) => d.label)).toEqual([
      'yield',
      'yield',
    ]);
  });

  it('drops boxes smaller than minArea of the frame', () => {
    expect(filterDetections(found, { ...none, minArea: 0.01 })).toHaveLength(3);
  });

  it('with zones, keeps boxes whose bottom centre is in one; boxless classifications always count', () => {
    const kept = filterDetections([...found, { label: 'stop', classId: 0, score: 0.9 }], {
      ...none,
      zones: { ground: lowerHalf },
    });
    expect(kept.map((d) => d.box?.y)).toEqual([0.6, 0.6, 0.7, undefined]);
  });
});
