// CLEAR-MOT and IDF1 on small sequences worked by hand (the expected numbers are derived in the
// comments, not taken from the code).
import { describe, expect, it } from 'vitest';
import { type MotBox, motMetrics } from '../../../bench/mot-metrics.js';

/** A 10 x 10 box at (x, y): boxes of one size overlapping by d along x have IoU (10 - d) / (10 + d). */
const at = (id: string, x: number, y = 0): MotBox => ({ id, box: { x, y, w: 10, h: 10 } });

describe('motMetrics', () => {
  it('counts an identity switch: one ground-truth track handed from tracker id 1 to id 2 halfway', () => {
    // Ground truth a (at x 0) and b (at x 50), 4 frames each: 8 boxes. Tracker: id 1 on a in
    // frames 1-2, id 2 on a in frames 3-4, id 3 on b throughout: 8 boxes, all exact.
    // CLEAR-MOT: every box matches (no miss, no false positive); in frame 3, a matches 2 after 1:
    // 1 switch. MOTA = 1 - (0 + 0 + 1) / 8 = 0.875.
    // IDF1: a-1 overlap in 2 frames, a-2 in 2, b-3 in 4. One-to-one at best a-1 (or a-2) and b-3:
    // IDTP = 2 + 4 = 6. IDF1 = 2 * 6 / (8 + 8) = 0.75.
    const frames = [1, 2, 3, 4].map((t) => ({
      truth: [at('a', 0), at('b', 50)],
      tracked: [at(t <= 2 ? '1' : '2', 0), at('3', 50)],
    }));
    const m = motMetrics(frames);
    expect(m).toMatchObject({ truthBoxes: 8, trackedBoxes: 8, matches: 8, misses: 0, falsePositives: 0 });
    expect(m.idSwitches).toBe(1);
    expect(m.mota).toBeCloseTo(0.875, 12);
    expect(m.idtp).toBe(6);
    expect(m.idf1).toBeCloseTo(0.75, 12);
    expect([m.truthTracks, m.trackedTracks]).toEqual([2, 3]);
  });

  it('counts misses and false positives: a track lost in its last frame, and a stray box', () => {
    // Ground truth a at x 0 in frames 1-3: 3 boxes. Tracker id 1 at x 0 in frames 1-2, then at
    // x 40 in frame 3 (no overlap: a miss and a false positive); id 2 at x 80 in frame 2 (a false
    // positive). Tracker boxes: 4.
    // CLEAR-MOT: 2 matches, 1 miss, 2 false positives, 0 switches. MOTA = 1 - (1 + 2 + 0) / 3 = 0.
    // IDF1: a-1 overlap in 2 frames: IDTP = 2. IDF1 = 2 * 2 / (3 + 4) = 4/7.
    const frames = [
      { truth: [at('a', 0)], tracked: [at('1', 0)] },
      { truth: [at('a', 0)], tracked: [at('1', 0), at('2', 80)] },
      { truth: [at('a', 0)], tracked: [at('1', 40)] },
    ];
    const m = motMetrics(frames);
    expect(m).toMatchObject({ matches: 2, misses: 1, falsePositives: 2, idSwitches: 0, idtp: 2 });
    expect(m.mota).toBeCloseTo(0, 12);
    expect(m.idf1).toBeCloseTo(4 / 7, 12);
  });

  it('keeps last frame’s pairs while they overlap enough, though a swap would overlap more', () => {
    // Frame 1: a at x 0 with id 1 at x 0; b at x 20 with id 2 at x 20: 2 matches.
    // Frame 2: a at 0, b at 4, id 1 at 3, id 2 at 1.
    //   IoU(a, 1): d 3, 7/13 = 0.538;  IoU(b, 1): d 1, 9/11 = 0.818
    //   IoU(a, 2): d 1, 9/11 = 0.818;  IoU(b, 2): d 3, 7/13 = 0.538
    // Last frame's pairs a-1 and b-2 still reach 0.5, so they stay: no switch (assignment alone
    // would swap them, cost 2 * (1 - 0.818) < 2 * (1 - 0.538), and count 2).
    // MOTA = 1 - 0 / 4 = 1. IDF1: a-1 in 2 frames, b-2 in 2: IDTP 4, IDF1 = 8 / 8 = 1.
    const frames = [
      { truth: [at('a', 0), at('b', 20)], tracked: [at('1', 0), at('2', 20)] },
      { truth: [at('a', 0), at('b', 4)], tracked: [at('1', 3), at('2', 1)] },
    ];
    const m = motMetrics(frames);
    expect(m).toMatchObject({ matches: 4, idSwitches: 0, mota: 1, idtp: 4, idf1: 1 });
  });

  it('counts a switch when a track comes back under a new id after a gap', () => {
    // a at x 0 in frames 1, 2 and 4 (gone in frame 3): id 1 in frames 1-2, id 7 in frame 4.
    // 3 matches; in frame 4, a's last id was 1 (frame 2): 1 switch. MOTA = 1 - 1/3 = 2/3.
    // IDF1: a-1 in 2 frames, a-7 in 1: IDTP 2, IDF1 = 4 / 6 = 2/3.
    const frames = [
      { truth: [at('a', 0)], tracked: [at('1', 0)] },
      { truth: [at('a', 0)], tracked: [at('1', 0)] },
      { truth: [], tracked: [] },
      { truth: [at('a', 0)], tracked: [at('7', 0)] },
    ];
    const m = motMetrics(frames);
    expect(m.idSwitches).toBe(1);
    expect(m.mota).toBeCloseTo(2 / 3, 12);
    expect(m.idf1).toBeCloseTo(2 / 3, 12);
  });
});
