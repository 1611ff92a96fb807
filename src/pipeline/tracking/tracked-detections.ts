import type { Detection } from '../../detection.js';
import { orderObjects } from './object-order.js';
import type { TrackingSettings } from './settings.js';
import type { TrackIds } from './track-ids.js';
import { MultiObjectTracker } from './tracker.js';

/**
 * A detector camera's detections through its tracker: what the pipeline publishes of a frame.
 * Those at or above the threshold, each with its track's `age` and, once born, its `id`; ordered
 * by size or distance. Those below it (down to `low`) only keep a born track alive (ByteTrack's
 * second stage): the threshold stays what it says, the least score a published detection has,
 * and a half-hidden sign keeps its id for the frames it scores low.
 * @example const tracked = new TrackedDetections(settings, ids); tracked.update(candidates, 0.5, frame)
 */
export class TrackedDetections {
  readonly tracker: MultiObjectTracker;
  #settings: TrackingSettings;

  constructor(settings: TrackingSettings, ids: TrackIds) {
    this.#settings = settings;
    this.tracker = new MultiObjectTracker(settings, ids);
  }

  /** The lowest score a detection may have to be of use: the threshold, or `low` below it. */
  floor(threshold: number): number {
    return Math.min(threshold, this.#settings.low);
  }

  configure(settings: TrackingSettings): void {
    this.#settings = settings;
    this.tracker.configure(settings);
  }

  /**
   * One frame: `candidates` are the frame's detections that passed the filter at floor(threshold).
   * Returns a new array of new detections (the only allocation per frame).
   */
  update(
    candidates: readonly Detection[],
    threshold: number,
    frame: { readonly width: number; readonly height: number },
  ): Detection[] {
    const tracker = this.tracker;
    tracker.update(candidates, threshold);
    const out: Detection[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const d = candidates[i]!;
      if (d.score < threshold) continue;
      const track = tracker.trackOf(i);
      if (track === undefined) {
        out.push(d);
        continue;
      }
      out.push({
        label: d.label,
        classId: d.classId,
        score: d.score,
        box: d.box,
        id: track.id,
        age: track.age,
      });
    }
    return orderObjects(out, this.#settings, frame.width, frame.height);
  }

  /** The camera paused or stopped: every track ends (tracker.ended lists the born ones). */
  reset(): void {
    this.tracker.reset();
  }
}
