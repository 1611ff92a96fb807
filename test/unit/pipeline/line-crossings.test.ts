// Counting lines on hand-made tracks: which way a crossing goes, a point exactly on the line, the
// line's extent, a direction filter, and where a track's first side comes from.
import { describe, expect, it } from 'vitest';
import type { Box } from '../../../src/detection.js';
import type { TrackView } from '../../../src/pipeline/index.js';
import { type CountingLine, LineCrossings, sideOf } from '../../../src/pipeline/line-crossings.js';

/** A horizontal line across the frame at y 0.6, drawn left to right: `in` is moving down the picture. */
const door: CountingLine = { name: 'door', from: [0, 0.6], to: [1, 0.6], direction: 'both' };

/** A box whose anchor (bottom centre) is at (x, y). */
const at = (x: number, y: number): Box => ({ x: x - 0.05, y: y - 0.2, w: 0.1, h: 0.2 });

function track(id: string, anchor: [number, number], extra: Partial<TrackView> = {}): TrackView {
  const box = at(...anchor);
  return {
    id,
    label: 'person',
    classId: 0,
    box,
    firstBox: box,
    score: 0.9,
    bestScore: 0.9,
    bestBox: box,
    age: 5,
    hits: 5,
    misses: 0,
    confirmed: true,
    ...extra,
  };
}

/** Moves one object through the anchors given, a frame each; returns the crossings as 'line direction @frame'. */
function walk(lines: CountingLine[], anchors: [number, number][]): string[] {
  const counter = new LineCrossings(lines);
  return anchors.flatMap((anchor, seq) =>
    counter
      .update({ seq, timestamp: seq * 100 }, [track('1-1', anchor)], [])
      .map((c) => `${c.line} ${c.direction} @${c.frame.seq} ${c.objectId} ${c.label}`),
  );
}

describe('counting lines', () => {
  it('puts the right of from -> to (as seen in the picture, y down) on the positive side', () => {
    expect(sideOf(door, 0.5, 0.8)).toBeGreaterThan(0);
    expect(sideOf(door, 0.5, 0.4)).toBeLessThan(0);
    expect(sideOf(door, 0.5, 0.6)).toBe(0);
  });

  it('counts a crossing each way: down the picture is in, up is out', () => {
    expect(
      walk(
        [door],
        [
          [0.5, 0.4],
          [0.5, 0.5],
          [0.5, 0.7],
          [0.5, 0.8],
        ],
      ),
    ).toEqual(['door in @2 1-1 person']);
    expect(
      walk(
        [door],
        [
          [0.5, 0.8],
          [0.5, 0.7],
          [0.5, 0.5],
        ],
      ),
    ).toEqual(['door out @2 1-1 person']);
    // Drawn the other way round, the same walk is the other direction.
    const reversed = { ...door, from: [1, 0.6], to: [0, 0.6] } as CountingLine;
    expect(
      walk(
        [reversed],
        [
          [0.5, 0.4],
          [0.5, 0.8],
        ],
      ),
    ).toEqual(['door out @1 1-1 person']);
  });

  it('a point exactly on the line has no side: left, on, right is one crossing; left, on, left none', () => {
    expect(
      walk(
        [door],
        [
          [0.5, 0.5],
          [0.5, 0.6],
          [0.5, 0.7],
        ],
      ),
    ).toEqual(['door in @2 1-1 person']);
    expect(
      walk(
        [door],
        [
          [0.5, 0.5],
          [0.5, 0.6],
          [0.5, 0.6],
          [0.5, 0.5],
        ],
      ),
    ).toEqual([]);
    // First seen on the line: its side is known only once it leaves it, so nothing counts yet.
    expect(
      walk(
        [door],
        [
          [0.5, 0.6],
          [0.5, 0.7],
          [0.5, 0.8],
        ],
      ),
    ).toEqual([]);
    // Back and forth counts each real crossing, once.
    expect(
      walk(
        [door],
        [
          [0.5, 0.5],
          [0.5, 0.6],
          [0.5, 0.7],
          [0.5, 0.6],
          [0.5, 0.5],
        ],
      ),
    ).toEqual(['door in @2 1-1 person', 'door out @4 1-1 person']);
  });

  it('counts only crossings between the ends of the segment', () => {
    const gate: CountingLine = { name: 'gate', from: [0.4, 0.6], to: [0.6, 0.6], direction: 'both' };
    expect(
      walk(
        [gate],
        [
          [0.1, 0.4],
          [0.1, 0.8],
        ],
      ),
    ).toEqual([]);
    expect(
      walk(
        [gate],
        [
          [0.5, 0.4],
          [0.5, 0.8],
        ],
      ),
    ).toEqual(['gate in @1 1-1 person']);
    // A diagonal step that passes the line's extension beyond its end does not count.
    expect(
      walk(
        [gate],
        [
          [0.55, 0.4],
          [0.75, 0.8],
        ],
      ),
    ).toEqual([]);
  });

  it('counts only the direction a line asks for', () => {
    const inOnly = { ...door, direction: 'in' as const };
    expect(
      walk(
        [inOnly],
        [
          [0.5, 0.4],
          [0.5, 0.8],
          [0.5, 0.4],
          [0.5, 0.8],
        ],
      ),
    ).toEqual(['door in @1 1-1 person', 'door in @3 1-1 person']);
  });

  it('takes a track first side from its first box, and ignores frames it was missed in', () => {
    const counter = new LineCrossings([door]);
    // Confirmed below the line after being first seen above it: crossed while tentative.
    const born = track('2-1', [0.5, 0.7], { firstBox: at(0.5, 0.4) });
    expect(counter.update({ seq: 0, timestamp: 0 }, [born], []).map((c) => c.direction)).toEqual(['in']);
    // Its predicted box (missed) above the line moves nothing; ended, it is forgotten.
    const missed = track('2-1', [0.5, 0.4], { misses: 1 });
    expect(counter.update({ seq: 1, timestamp: 100 }, [missed], [])).toEqual([]);
    expect(counter.update({ seq: 2, timestamp: 200 }, [track('2-1', [0.5, 0.8])], [])).toEqual([]);
    // A tentative track (no id) counts nothing.
    const tentative = track('3-1', [0.5, 0.4], { confirmed: false, id: undefined });
    expect(counter.update({ seq: 3, timestamp: 300 }, [tentative], [born])).toEqual([]);
    expect(new LineCrossings([]).update({ seq: 0, timestamp: 0 }, [born], [])).toEqual([]);
  });
});
