// The tracker's memory of occlusions, on hand-worked boxes.
import { describe, expect, it } from 'vitest';
import { sizeChange } from '../../../../src/pipeline/tracking/box-measures.js';
import {
  boxBehind,
  findOccluder,
  hideBehind,
  occluderOf,
} from '../../../../src/pipeline/tracking/occlusion.js';
import { Track } from '../../../../src/pipeline/tracking/track.js';

/** A born track detected in this update, at a box given by its corner and size. */
function tracked(id: string, x: number, y: number, w: number, h = w): Track {
  const track = new Track();
  track.begin('stop', 0, 0.9, { x, y, w, h });
  track.confirmed = true;
  track.id = id;
  return track;
}

describe('findOccluder', () => {
  const box = { x: 0.5, y: 0.5, w: 0.1, h: 0.1 };

  it('is the detected born track covering most of the box, when they cover half of it together', () => {
    // 0.03 x 0.1 (30%) and 0.04 x 0.1 (40%) of the box: 70% together, the second covers most.
    const left = tracked('1-1', 0.4, 0.5, 0.13, 0.1);
    const right = tracked('1-2', 0.56, 0.5, 0.2, 0.1);
    expect(findOccluder(box, [left, right])).toBe(right);
  });

  it('is none when less than half of the box is covered, or by tracks not detected or not born', () => {
    // 20% + 20%.
    expect(
      findOccluder(box, [tracked('1-1', 0.4, 0.5, 0.12, 0.1), tracked('1-2', 0.58, 0.5, 0.1)]),
    ).toBeUndefined();
    const missed = tracked('1-3', 0.5, 0.5, 0.1);
    missed.matched = false;
    const tentative = tracked('1-4', 0.5, 0.5, 0.1);
    tentative.confirmed = false;
    expect(findOccluder(box, [missed, tentative])).toBeUndefined();
  });
});

describe('hideBehind and boxBehind', () => {
  it("keep the hidden track's offset and size in the occluder's sizes, as the occluder moves and grows", () => {
    const occluder = tracked('1-1', 0.4, 0.4, 0.2);
    const hidden = tracked('1-2', 0.5, 0.5, 0.1); // centre (0.55, 0.55): 0.25 sizes right and below the occluder's
    hideBehind(hidden, occluder);
    expect(occluderOf(hidden)).toBe(occluder);
    // The occluder moves to (0.2, 0.3) and doubles: centre (0.4, 0.5), size 0.4.
    occluder.detected(0.9, { x: 0.2, y: 0.3, w: 0.4, h: 0.4 });
    const out = { x: 0, y: 0, w: 0, h: 0 };
    expect(boxBehind(hidden, out)).toBe(true);
    // Centre (0.4 + 0.25 x 0.4, 0.5 + 0.25 x 0.4) = (0.5, 0.6), size half the occluder's: 0.2.
    expect(out.w).toBeCloseTo(0.2, 12);
    expect(out.x + out.w / 2).toBeCloseTo(0.5, 12);
    expect(out.y + out.h / 2).toBeCloseTo(0.6, 12);
  });

  it('forget an occluder that ended, or whose pooled state became another track', () => {
    const occluder = tracked('1-1', 0.4, 0.4, 0.2);
    const hidden = tracked('1-2', 0.45, 0.45, 0.1);
    hideBehind(hidden, occluder);
    occluder.end();
    expect(occluderOf(hidden)).toBeUndefined();
    expect(boxBehind(hidden, { x: 0, y: 0, w: 0, h: 0 })).toBe(false);
    // Reused from the pool for a new object, born with a new id.
    occluder.begin('yield', 1, 0.9, { x: 0.1, y: 0.1, w: 0.1, h: 0.1 });
    occluder.confirmed = true;
    occluder.id = '1-3';
    expect(occluderOf(hidden)).toBeUndefined();
  });
});

describe('sizeChange', () => {
  it('is the log of the ratio of sizes, either way', () => {
    const a = { x: 0, y: 0, w: 0.1, h: 0.1 };
    expect(sizeChange(a, { x: 0.5, y: 0.5, w: 0.15, h: 0.15 })).toBeCloseTo(Math.log(1.5), 12);
    expect(sizeChange(a, { x: 0, y: 0, w: 0.05, h: 0.2 })).toBeCloseTo(0, 12);
    expect(sizeChange({ x: 0, y: 0, w: 0.15, h: 0.15 }, a)).toBeCloseTo(Math.log(1.5), 12);
  });
});
