// Per-object events on hand-made track sequences: the real tracker follows scripted detections,
// and ObjectEvents turns its births, sightings and deaths into start, update and end.
import { describe, expect, it } from 'vitest';
import type { Detection, ObjectEvent } from '../../../src/detection.js';
import { MultiObjectTracker, TrackIds } from '../../../src/pipeline/index.js';
import { ObjectEvents } from '../../../src/pipeline/object-events.js';

/** Left half and right half of the frame (an object is in one by its box's bottom centre). */
const zones = {
  left: [
    [0, 0],
    [0.5, 0],
    [0.5, 1],
    [0, 1],
  ] as [number, number][],
  right: [
    [0.5, 0],
    [1, 0],
    [1, 1],
    [0.5, 1],
  ] as [number, number][],
};

const person = (x: number, score = 0.8, y = 0.4): Detection => ({
  label: 'person',
  classId: 0,
  score,
  box: { x, y, w: 0.1, h: 0.2 },
});

/** Feeds one list of detections per frame (100 ms apart); returns every event, in order. */
function run(script: readonly (readonly Detection[])[], snapshotInterval = 0): ObjectEvent[] {
  const tracker = new MultiObjectTracker({ hits: 2, misses: 3, iou: 0.2 }, new TrackIds(4));
  const objects = new ObjectEvents({ zones, snapshotInterval });
  return script.flatMap((found, seq) => {
    tracker.update(found, 0.5);
    return objects.update({ seq, timestamp: 1000 + seq * 100 }, tracker.tracks, tracker.ended);
  });
}

const brief = (e: ObjectEvent) =>
  `${e.type} ${e.objectId} ${e.label} ${e.count} [${e.zones.join(',')}]${e.changed ? ` ${e.changed.join('+')}` : ''}${e.reason ? ` ${e.reason}` : ''}`;

describe('per-object events', () => {
  it('an object walking from the left zone to the right: start, a zones update, an end with its path', () => {
    // Moves 0.05 a frame from x 0.3 (anchor 0.35, left) to 0.5 (anchor 0.55, right), then leaves.
    const walk = [0.3, 0.35, 0.4, 0.45, 0.5].map((x) => [person(x, x === 0.4 ? 0.95 : 0.8)]);
    const events = run([...walk, [], [], []]);
    expect(events.map(brief)).toEqual([
      'start 4-1 person 1 [left]',
      'update 4-1 person 1 [right] zones',
      'end 4-1 person 0 [right] gone',
    ]);
    const [start, update, end] = events as [ObjectEvent, ObjectEvent, ObjectEvent];
    // Born at its second sighting (tracking.hits 2), so it starts there.
    expect(start.frame.seq).toBe(1);
    expect(start.startedAt).toBe(1100);
    expect(start.box).toEqual(person(0.35).box);
    expect(update.frame.seq).toBe(3);
    // Ended after 3 missed frames (tracking.misses), with the path it took.
    expect(end.frame.seq).toBe(7);
    expect(end.startedAt).toBe(1100);
    expect(end.score).toBe(0.95);
    expect(end.box).toEqual(person(0.5).box);
    expect(end.path).toEqual({
      firstBox: person(0.3).box,
      lastBox: person(0.5).box,
      zones: ['left', 'right'],
      bestScore: 0.95,
      bestBox: person(0.4).box,
    });
  });

  it('a better score is an update at most once per snapshotInterval, and only when better than the last one reported', () => {
    // Scores rising 0.6, 0.65, ... every 100 ms; interval 0.3 s.
    const script = Array.from({ length: 9 }, (_, i) => [person(0.1, 0.6 + i * 0.05)]);
    const snapshots = run(script, 0.3).filter((e) => e.changed?.includes('snapshot'));
    // Start at seq 1 (score 0.65); then at least 300 ms later each time.
    expect(snapshots.map((e) => e.frame.seq)).toEqual([4, 7]);
    expect(snapshots.map((e) => e.score)).toEqual([0.8, 0.95]);
    // A score that falls back never makes one, and 0 turns them off.
    const falling = Array.from({ length: 9 }, (_, i) => [person(0.1, 0.9 - i * 0.02)]);
    expect(run(falling, 0.3).filter((e) => e.type === 'update')).toEqual([]);
    expect(run(script, 0).filter((e) => e.type === 'update')).toEqual([]);
  });

  it('counts the open objects of a label; a one-frame false detection never becomes one', () => {
    const a = (x: number) => person(x, 0.8, 0.1);
    const b = (x: number) => person(x, 0.8, 0.6);
    const script = [
      [a(0.1), person(0.8)],
      [a(0.1)],
      [a(0.1), b(0.1)],
      [a(0.1), b(0.1)],
      [b(0.1)],
      [b(0.1)],
      [b(0.1)],
    ];
    expect(run(script).map(brief)).toEqual([
      'start 4-1 person 1 [left]',
      'start 4-2 person 2 [left]',
      'end 4-1 person 1 [left] gone',
    ]);
  });

  it('endAll ends every open object with the reason given', () => {
    const tracker = new MultiObjectTracker({ hits: 1, misses: 3, iou: 0.2 }, new TrackIds(9));
    const objects = new ObjectEvents({ zones: {}, snapshotInterval: 5 });
    tracker.update([person(0.1), person(0.7)], 0.5);
    expect(objects.update({ seq: 0, timestamp: 0 }, tracker.tracks, tracker.ended)).toHaveLength(2);
    tracker.reset();
    const ends = objects.endAll({ seq: 1, timestamp: 100 }, 'stopped');
    expect(ends.map(brief)).toEqual(['end 9-1 person 1 [] stopped', 'end 9-2 person 0 [] stopped']);
    expect(objects.size).toBe(0);
    expect(objects.endAll({ seq: 2, timestamp: 200 }, 'stopped')).toEqual([]);
  });
});
