// The tracker on hand-made sequences: boxes moving at constant speed, crossing, hidden for a few
// frames, and detections that appear once.
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../../src/detection.js';
import { TrackIds } from '../../../../src/pipeline/tracking/track-ids.js';
import { MultiObjectTracker, type TrackerSettings } from '../../../../src/pipeline/tracking/tracker.js';

const SETTINGS: TrackerSettings = { hits: 2, misses: 10, iou: 0.3 };
const HIGH = 0.5;

const det = (label: string, x: number, y: number, score = 0.9, size = 0.1): Detection => ({
  label,
  classId: 0,
  score,
  box: { x, y, w: size, h: size },
});

/** A square detection by its centre. */
const at = (label: string, cx: number, cy: number, size: number, score = 0.9): Detection =>
  det(label, cx - size / 2, cy - size / 2, score, size);

/** Runs `frames` through a new tracker; per frame, the id given to each detection ('' while tentative, '-' when none). */
function idsOver(frames: readonly (readonly Detection[])[], settings = SETTINGS): string[][] {
  const tracker = new MultiObjectTracker(settings, new TrackIds(1));
  return frames.map((found) => {
    tracker.update(found, HIGH);
    return found.map((_, i) => {
      const track = tracker.trackOf(i);
      return track === undefined ? '-' : (track.id ?? '');
    });
  });
}

describe('MultiObjectTracker', () => {
  it('keeps both ids when two signs of one label cross paths', () => {
    // A moves right and B left at 0.02 a frame, 0.02 apart vertically: they overlap almost
    // entirely around frame 17 (IoU of A with B up to 0.67), which motion alone tells apart.
    const frames = Array.from({ length: 36 }, (_, t) => [
      det('stop', 0.1 + 0.02 * t, 0.4),
      det('stop', 0.8 - 0.02 * t, 0.42),
    ]);
    const ids = idsOver(frames);
    expect(ids[0]).toEqual(['', '']);
    const [a, b] = ids[1]!;
    expect(a).toBe('1-1');
    expect(b).toBe('1-2');
    for (const frame of ids.slice(1)) expect(frame).toEqual([a, b]);
  });

  it('keeps the id through an occlusion shorter than `misses` frames, and gives it on where the motion model put it', () => {
    // Moving right at 0.015 a frame, hidden in frames 10..17 (8 frames, misses: 10).
    const frames = Array.from({ length: 30 }, (_, t) =>
      t >= 10 && t < 18 ? [] : [det('yield', 0.05 + 0.015 * t, 0.5)],
    );
    const ids = idsOver(frames);
    const seen = new Set(ids.flat().filter((id) => id !== ''));
    expect(seen).toEqual(new Set(['1-1']));
    expect(ids[18]).toEqual(['1-1']);
  });

  it('gives a sign back its id when it comes out from behind another, off where the motion model put it', () => {
    // Moving right at 0.01 a frame; hidden in frames 10..21 while it speeds up to 0.02 a frame (as
    // a sign does when the camera nears it), so it comes back 1.2 sizes ahead of the prediction:
    // no overlap with it, yet within reach (reappear.ts).
    const x = (t: number) => (t < 10 ? 0.1 + 0.01 * t : 0.2 + 0.02 * (t - 10));
    const frames = Array.from({ length: 30 }, (_, t) => (t >= 10 && t < 22 ? [] : [det('stop', x(t), 0.4)]));
    const ids = idsOver(frames, { hits: 2, misses: 30, iou: 0.2 });
    expect(ids[9]).toEqual(['1-1']);
    // Tentative for its first frame back, as a new object is; then the old id, not '1-2'.
    expect(ids[22]).toEqual(['']);
    for (const frame of ids.slice(23)) expect(frame).toEqual(['1-1']);
  });

  it("gives a new id to what appears out of a lost track's reach, or with another label", () => {
    const frames: Detection[][] = Array.from({ length: 10 }, (_, t) => [det('stop', 0.1 + 0.01 * t, 0.4)]);
    // Lost at frame 10; two frames later a stop sign three sizes below, and a yield where it was.
    for (let t = 10; t < 16; t++)
      frames.push([det('stop', 0.2 + 0.01 * (t - 10), 0.7), det('yield', 0.2, 0.4)]);
    const ids = idsOver(frames, { hits: 2, misses: 30, iou: 0.2 });
    expect(ids[15]).toEqual(['1-2', '1-3']);
  });

  it('keeps a sign hidden behind a nearer one longer than `misses` frames, and finds it where that one took it', () => {
    // A stop sign in front and a yield sign just behind it, to its right. The yield sign is hidden
    // in frames 5..22 (18 frames, misses 10), while the stop sign speeds off to the left at 0.025
    // a frame and grows; the yield sign comes out at its right edge, 0.45 away from where its own
    // motion would put it (beyond that prediction's reach), but where it sat behind the stop sign.
    const nx = (t: number) => (t < 5 ? 0.75 : 0.75 - 0.025 * (t - 5));
    const nw = (t: number) => 0.1 + 0.003 * t;
    const frames = Array.from({ length: 30 }, (_, t) => {
      const found = [at('stop', nx(t), 0.5, nw(t))];
      if (t < 5 || t >= 23) found.push(at('yield', nx(t) + (t < 5 ? 0.3 : 0.7) * nw(t), 0.5, 0.6 * nw(t)));
      return found;
    });
    const ids = idsOver(frames, { hits: 2, misses: 10, iou: 0.2 });
    expect(ids[4]).toEqual(['1-1', '1-2']);
    expect(ids[23]).toEqual(['1-1', '']);
    for (const frame of ids.slice(24)) expect(frame).toEqual(['1-1', '1-2']);
  });

  it('ends a hidden track after at most twice `misses` missed frames', () => {
    const tracker = new MultiObjectTracker({ hits: 2, misses: 10, iou: 0.2 }, new TrackIds(1));
    for (let t = 0; t < 3; t++)
      tracker.update([at('stop', 0.5, 0.5, 0.2), at('yield', 0.52, 0.5, 0.1)], HIGH);
    const endedAt: number[] = [];
    for (let miss = 1; miss <= 25; miss++) {
      tracker.update([at('stop', 0.5, 0.5, 0.2)], HIGH);
      endedAt.push(...tracker.ended.map(() => miss));
    }
    expect(endedAt).toEqual([20]);
  });

  it('gives a new sign seen beside a tracked one its own id, though that one goes undetected a frame', () => {
    // A tracked from frame 0; B (same label) appears at frame 8, 0.04 to its right (IoU 0.43 with
    // A). In frame 9 A goes undetected: its prediction overlaps B's box well enough, but B's own
    // new track fits it better, and A, seen together with B in frame 8, is not B.
    const frames = Array.from({ length: 15 }, (_, t) => {
      const ax = 0.3 + 0.005 * t;
      const found = t === 9 ? [] : [at('stop', ax, 0.5, 0.1)];
      if (t >= 8) found.push(at('stop', ax + 0.04, 0.5, 0.1));
      return found;
    });
    const ids = idsOver(frames, { hits: 2, misses: 10, iou: 0.2 });
    expect(ids[8]).toEqual(['1-1', '']);
    expect(ids[9]).toEqual(['1-2']);
    for (const frame of ids.slice(10)) expect(frame).toEqual(['1-1', '1-2']);
  });

  it('never continues a track with a detection 1.5 times smaller or larger than its prediction', () => {
    // A still sign of size 0.1 goes undetected a frame, and a sign of its label 0.06 wide appears
    // inside its box (IoU 0.36, above the gate): a sign does not shrink that much in a frame.
    const frames = Array.from({ length: 10 }, (_, t) => {
      const found = t === 6 ? [] : [at('stop', 0.5, 0.5, 0.1)];
      if (t >= 6) found.push(at('stop', 0.52, 0.52, 0.06));
      return found;
    });
    const ids = idsOver(frames, { hits: 2, misses: 10, iou: 0.2 });
    expect(ids[6]).toEqual(['']);
    for (const frame of ids.slice(7)) expect(frame).toEqual(['1-1', '1-2']);
  });

  it('ends a missed track as soon as its predicted centre leaves the frame', () => {
    // Moving right at 0.05 a frame, last seen at x 0.85 (centre 0.9): predicted out at the 3rd miss.
    const tracker = new MultiObjectTracker({ hits: 1, misses: 30, iou: 0.2 }, new TrackIds(1));
    for (let t = 0; t < 16; t++) tracker.update([det('stop', 0.1 + 0.05 * t, 0.4)], HIGH);
    const endedAt: number[] = [];
    for (let miss = 1; miss <= 5; miss++) {
      tracker.update([], HIGH);
      if (tracker.ended.length > 0) endedAt.push(miss);
    }
    expect(endedAt).toEqual([3]);
  });

  it('keeps a track on its own low-scoring box rather than a neighbour of its label scoring high', () => {
    // A born at x 0.3; then its own box scores 0.3 (half hidden) while a new stop sign appears
    // beside it at 0.9, overlapping A's prediction at IoU 0.33. Matching high scores first would
    // hand A's id to the newcomer.
    const tracker = new MultiObjectTracker({ hits: 2, misses: 10, iou: 0.2 }, new TrackIds(1));
    tracker.update([det('stop', 0.3, 0.3)], HIGH);
    tracker.update([det('stop', 0.3, 0.3)], HIGH);
    tracker.update([det('stop', 0.35, 0.3, 0.9), det('stop', 0.3, 0.3, 0.3)], HIGH);
    expect(tracker.trackOf(1)?.id).toBe('1-1');
    expect(tracker.trackOf(0)?.confirmed).toBe(false);
  });

  it('ends a track at its `misses`th missed frame, and a later detection there is a new object', () => {
    const tracker = new MultiObjectTracker({ hits: 1, misses: 3, iou: 0.3 }, new TrackIds(4));
    tracker.update([det('stop', 0.5, 0.5)], HIGH);
    expect(tracker.born.map((t) => t.id)).toEqual(['4-1']);
    const endedAt: number[] = [];
    for (let miss = 1; miss <= 3; miss++) {
      tracker.update([], HIGH);
      if (tracker.ended.length > 0) endedAt.push(miss);
      expect(tracker.tracks.length).toBe(miss < 3 ? 1 : 0);
    }
    expect(endedAt).toEqual([3]);
    tracker.update([det('stop', 0.5, 0.5)], HIGH);
    expect(tracker.trackOf(0)?.id).toBe('4-2');
  });

  it('never makes a track of a detection seen in one frame only', () => {
    // One true sign standing still, and a false detection somewhere else in every 3rd frame.
    const frames = Array.from({ length: 30 }, (_, t) => {
      const found = [det('stop', 0.2, 0.2)];
      if (t % 3 === 1) found.push(det('stop', 0.1 + 0.025 * t, 0.7));
      return found;
    });
    const tracker = new MultiObjectTracker(SETTINGS, new TrackIds(1));
    const born: string[] = [];
    for (const found of frames) {
      tracker.update(found, HIGH);
      born.push(...tracker.born.map((t) => t.id!));
      // A tentative track is gone at its first miss.
      expect(tracker.tracks.length).toBeLessThanOrEqual(2);
    }
    expect(born).toEqual(['1-1']);
  });

  it('continues a born track with a low-score detection, but never starts one from it', () => {
    const tracker = new MultiObjectTracker(SETTINGS, new TrackIds(1));
    tracker.update([det('stop', 0.3, 0.3)], HIGH);
    tracker.update([det('stop', 0.31, 0.3)], HIGH);
    // Half hidden: 0.3 is below the threshold, yet the same sign.
    tracker.update([det('stop', 0.32, 0.3, 0.3), det('stop', 0.7, 0.7, 0.3)], HIGH);
    expect(tracker.trackOf(0)?.id).toBe('1-1');
    expect(tracker.trackOf(0)?.misses).toBe(0);
    expect(tracker.trackOf(1)).toBeUndefined();
    expect(tracker.tracks.length).toBe(1);
  });

  it('matches only a detection of the same label', () => {
    const tracker = new MultiObjectTracker({ hits: 1, misses: 5, iou: 0.3 }, new TrackIds(1));
    tracker.update([det('stop', 0.3, 0.3)], HIGH);
    tracker.update([det('yield', 0.3, 0.3)], HIGH);
    expect(tracker.trackOf(0)?.id).toBe('1-2');
    const stop = tracker.tracks.find((t) => t.label === 'stop');
    expect(stop?.misses).toBe(1);
  });

  it('reports what later stages need: age, hits, misses, first box and best score', () => {
    const tracker = new MultiObjectTracker(SETTINGS, new TrackIds(1));
    const scores = [0.6, 0.9, 0.7];
    for (const [t, score] of scores.entries())
      tracker.update([det('stop', 0.1 + 0.01 * t, 0.1, score)], HIGH);
    tracker.update([], HIGH);
    const [track] = tracker.tracks;
    expect(track).toMatchObject({ id: '1-1', age: 4, hits: 3, misses: 1, bestScore: 0.9, score: 0.7 });
    expect(track?.firstBox).toEqual({ x: 0.1, y: 0.1, w: 0.1, h: 0.1 });
    expect(track?.bestBox.x).toBeCloseTo(0.11, 10);
    // Missed, the box is where the motion model expects it: ahead of the last one, to the right.
    expect(track!.box.x).toBeGreaterThan(0.12);
  });

  it('ends every born track on reset, and drops tentative ones', () => {
    const tracker = new MultiObjectTracker(SETTINGS, new TrackIds(1));
    tracker.update([det('stop', 0.1, 0.1)], HIGH);
    tracker.update([det('stop', 0.1, 0.1), det('yield', 0.6, 0.6)], HIGH);
    tracker.reset();
    expect(tracker.ended.map((t) => t.id)).toEqual(['1-1']);
    expect(tracker.tracks).toEqual([]);
  });
});

describe('TrackIds', () => {
  it('counts from 1 within a run, prefixed by the run', () => {
    const ids = new TrackIds(12);
    expect([ids.next(), ids.next()]).toEqual(['12-1', '12-2']);
    expect(new TrackIds(13).next()).toBe('13-1');
  });
});
