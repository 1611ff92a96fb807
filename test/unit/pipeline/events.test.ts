import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import { PresenceTracker } from '../../../src/pipeline/events.js';

const settings = { smoothing: { kernel: 'mean' as const, frames: 4 }, start: 0.5, end: 0.25 };
const stop = (score: number, x = 0.1): Detection => ({
  label: 'stop',
  classId: 0,
  score,
  box: { x, y: 0.1, w: 0.2, h: 0.2 },
});

/** Feeds one list of detections per frame; returns the events as 'type label' strings per frame. */
function run(tracker: PresenceTracker, frames: Detection[][]): string[][] {
  return frames.map((found, seq) =>
    tracker.update({ seq, timestamp: 1000 + seq * 100 }, found).map((e) => `${e.type} ${e.label} ${e.count}`),
  );
}

describe('presence events with hysteresis', () => {
  it('one noisy frame does not start an event', () => {
    const tracker = new PresenceTracker(settings);
    expect(run(tracker, [[], [stop(0.95)], [], [], [], []]).flat()).toEqual([]);
  });

  it('a steady detection starts once; one missed frame does not end it; it ends after it is gone', () => {
    const tracker = new PresenceTracker(settings);
    const frames = [[stop(0.9)], [stop(0.9)], [stop(0.9)], [], [stop(0.9)], [stop(0.9)], [], [], [], []];
    const events = run(tracker, frames);
    // Mean of 4: 0.225, 0.45, 0.675 (start), 0.675, 0.675, 0.675, 0.45, 0.45, 0.225 (end).
    expect(events[2]).toEqual(['start stop 1']);
    expect(events.flat()).toEqual(['start stop 1', 'end stop 0']);
    expect(events[8]).toEqual(['end stop 0']);
  });

  it('the event carries when it started, the best smoothed score and the frame that decided it', () => {
    const tracker = new PresenceTracker(settings);
    const all = [[stop(0.8)], [stop(0.8)], [stop(0.8)], [stop(0.8)], [], [], [], []].flatMap((found, seq) =>
      tracker.update({ seq, timestamp: 1000 + seq * 100 }, found),
    );
    const start = all.find((e) => e.type === 'start')!;
    const end = all.find((e) => e.type === 'end')!;
    expect(start.frame.seq).toBe(2);
    expect(start.startedAt).toBe(1200);
    expect(start.box).toEqual({ x: 0.1, y: 0.1, w: 0.2, h: 0.2 });
    expect(end.startedAt).toBe(1200);
    expect(end.reason).toBe('gone');
    expect(start.reason).toBeUndefined();
    expect(end.score).toBeCloseTo(0.8, 6);
    expect(end.frame.seq).toBe(6);
  });

  it('a change of the smoothed count is an update; a one-frame flicker is not', () => {
    const tracker = new PresenceTracker(settings);
    const one = [stop(0.9)];
    const two = [stop(0.9), stop(0.8, 0.6)];
    const events = run(tracker, [one, one, one, one, two, one, one, two, two, two, two]).flat();
    expect(events).toEqual(['start stop 1', 'update stop 2']);
  });

  it('labels are independent, and endAll ends what is present', () => {
    const tracker = new PresenceTracker(settings);
    const y: Detection = { label: 'yield', classId: 1, score: 0.9 };
    run(tracker, [[stop(0.9), y], [stop(0.9), y], [stop(0.9), y], [stop(0.9)]]);
    expect(tracker.present).toEqual(['stop', 'yield']);
    const ended = tracker.endAll({ seq: 9, timestamp: 5000 }, 'stopped');
    expect(ended.map((e) => `${e.type} ${e.label} ${e.reason}`).sort()).toEqual([
      'end stop stopped',
      'end yield stopped',
    ]);
    expect(tracker.present).toEqual([]);
  });

  it('a new smoothing window keeps present labels present', () => {
    const tracker = new PresenceTracker(settings);
    run(tracker, [[stop(0.9)], [stop(0.9)], [stop(0.9)]]);
    tracker.configure({ ...settings, smoothing: { kernel: 'gaussian', frames: 8 } });
    expect(run(tracker, [[stop(0.9)]]).flat()).toEqual([]);
    expect(tracker.present).toEqual(['stop']);
  });
});
