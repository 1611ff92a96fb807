import { describe, expect, it } from 'vitest';
import { Assignment } from '../../../../src/pipeline/tracking/assignment.js';
import { seededRandom } from '../../../../src/random.js';

/** The least total cost over every way of giving each row of the smaller side a distinct column, by enumeration. */
function bruteForce(cost: Float64Array, rows: number, cols: number): number {
  let best = Number.POSITIVE_INFINITY;
  const k = Math.min(rows, cols);
  const pick = (r: number, used: Set<number>, sum: number, assigned: number): void => {
    if (assigned === k) {
      best = Math.min(best, sum);
      return;
    }
    if (r === rows) return;
    // A row may stay out only when rows outnumber columns.
    if (rows - r > k - assigned) pick(r + 1, used, sum, assigned);
    for (let c = 0; c < cols; c++) {
      if (used.has(c)) continue;
      used.add(c);
      pick(r + 1, used, sum + cost[r * cols + c]!, assigned + 1);
      used.delete(c);
    }
  };
  pick(0, new Set(), 0, 0);
  return best;
}

describe('Assignment (Hungarian method)', () => {
  it('finds the least-cost assignment of a hand-worked 3x3 (greedy would take the 1 and pay 1 + 9 + 2 = 12)', () => {
    // Rows x columns:   c0 c1 c2
    //            r0:     1  2  9
    //            r1:     2  9  9
    //            r2:     9  9  2
    // Greedy takes r0-c0 (1), then r1 has only c1 (9) and r2 c2 (2): 12. The best is r0-c1 (2),
    // r1-c0 (2), r2-c2 (2): 6.
    const cost = Float64Array.from([1, 2, 9, 2, 9, 9, 9, 9, 2]);
    const match = new Int32Array(3);
    new Assignment().solve(cost, 3, 3, match);
    expect([...match]).toEqual([1, 0, 2]);
  });

  it('matches enumeration on random square and rectangular problems, reusing one solver', () => {
    const random = seededRandom(21);
    const solver = new Assignment();
    for (const [rows, cols] of [
      [4, 4],
      [3, 5],
      [5, 3],
      [1, 4],
      [4, 1],
      [6, 6],
    ] as const) {
      for (let trial = 0; trial < 20; trial++) {
        const cost = Float64Array.from({ length: rows * cols }, () => Math.round(random() * 100) / 10);
        const match = new Int32Array(rows);
        solver.solve(cost, rows, cols, match);
        const assigned = [...match].filter((c) => c >= 0);
        expect(assigned.length).toBe(Math.min(rows, cols));
        expect(new Set(assigned).size).toBe(assigned.length);
        const total = [...match].reduce((sum, c, r) => (c < 0 ? sum : sum + cost[r * cols + c]!), 0);
        expect(total).toBeCloseTo(bruteForce(cost, rows, cols), 9);
      }
    }
  });

  it('leaves every row unmatched when there are no columns', () => {
    const match = new Int32Array([5, 5]);
    new Assignment().solve(new Float64Array(0), 2, 0, match);
    expect([...match]).toEqual([-1, -1]);
  });
});
