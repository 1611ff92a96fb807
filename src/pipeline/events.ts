import { codeUnitOrder } from '../code-unit-order.js';
import type { Box, Detection, EndReason, PresenceEvent } from '../detection.js';
import { ScoreSmoother, type SmoothingKernel, smoothingWeights } from './smoothing.js';

/**
 * Presence events from detections over time. Per label, the frame's best score (0 when the label
 * is absent) and its count are smoothed over the last N frames; the smoothed score starts an event
 * when it reaches `start` and ends it when it falls below `end` (hysteresis, end < start), and a
 * change of the smoothed count while present is an update. So one noisy frame neither starts nor
 * ends an event, and a flickering count does not flood the outbox.
 */

export interface EventSettings {
  readonly smoothing: { readonly kernel: SmoothingKernel; readonly frames: number };
  readonly start: number;
  readonly end: number;
}

interface LabelState {
  readonly score: ScoreSmoother;
  readonly count: ScoreSmoother;
  present: boolean;
  startedAt: number;
  best: number;
  /** The count last reported (start or update). */
  reported: number;
}

/**
 * @example const tracker = new PresenceTracker(camera.events); const events = tracker.update(frame, kept)
 */
export class PresenceTracker {
  #settings: EventSettings;
  #weights: Float64Array;
  readonly #labels = new Map<string, LabelState>();

  constructor(settings: EventSettings) {
    this.#settings = settings;
    this.#weights = smoothingWeights(settings.smoothing.kernel, settings.smoothing.frames);
  }

  /** Labels present now. */
  get present(): string[] {
    return [...this.#labels].filter(([, s]) => s.present).map(([label]) => label);
  }

  /**
   * New settings; present labels stay present (their windows start over when the smoothing changed).
   */
  configure(settings: EventSettings): void {
    const { kernel, frames } = settings.smoothing;
    const changed = kernel !== this.#settings.smoothing.kernel || frames !== this.#settings.smoothing.frames;
    this.#settings = settings;
    if (!changed) return;
    this.#weights = smoothingWeights(kernel, frames);
    for (const [label, old] of this.#labels) {
      if (!old.present) {
        this.#labels.delete(label);
        continue;
      }
      const state = this.#newState();
      // Seed the new window with a full presence, so a smoothing change alone does not end it.
      for (let i = 0; i < frames; i++) {
        state.score.push(old.best);
        state.count.push(old.reported);
      }
      this.#labels.set(label, {
        ...state,
        present: true,
        startedAt: old.startedAt,
        best: old.best,
        reported: old.reported,
      });
    }
  }

  /** One processed frame's detections (already filtered); returns the events it decided, in label order. */
  update(
    frame: { readonly seq: number; readonly timestamp: number },
    detections: readonly Detection[],
  ): PresenceEvent[] {
    const seen = new Map<string, { score: number; count: number; box: Box | undefined }>();
    for (const d of detections) {
      const s = seen.get(d.label);
      if (s === undefined) seen.set(d.label, { score: d.score, count: 1, box: d.box });
      else {
        s.count++;
        if (d.score > s.score) {
          s.score = d.score;
          s.box = d.box;
        }
      }
    }
    for (const label of seen.keys()) if (!this.#labels.has(label)) this.#labels.set(label, this.#newState());
    const events: PresenceEvent[] = [];
    const { start, end } = this.#settings;
    for (const [label, state] of [...this.#labels].sort(([a], [b]) => codeUnitOrder(a, b))) {
      const now = seen.get(label);
      const score = state.score.push(now?.score ?? 0);
      const count = Math.round(state.count.push(now?.count ?? 0));
      const box = now?.box;
      const base = { label, frame: { seq: frame.seq, timestamp: frame.timestamp } };
      if (!state.present) {
        if (score >= start) {
          state.present = true;
          state.startedAt = frame.timestamp;
          state.best = score;
          state.reported = Math.max(1, count);
          events.push({
            ...base,
            type: 'start',
            score,
            count: state.reported,
            startedAt: state.startedAt,
            ...boxOf(box),
          });
        } else if (state.score.idle) this.#labels.delete(label);
        continue;
      }
      state.best = Math.max(state.best, score);
      if (score < end) {
        events.push({
          ...base,
          type: 'end',
          score: state.best,
          count: 0,
          startedAt: state.startedAt,
          reason: 'gone',
        });
        this.#labels.delete(label);
      } else if (count >= 1 && count !== state.reported) {
        state.reported = count;
        events.push({
          ...base,
          type: 'update',
          score: state.best,
          count,
          startedAt: state.startedAt,
          ...boxOf(box),
        });
      }
    }
    return events;
  }

  /** Ends every present label (the camera stops or is disabled); the tracker is empty afterwards. */
  endAll(frame: { readonly seq: number; readonly timestamp: number }, reason: EndReason): PresenceEvent[] {
    const events: PresenceEvent[] = [];
    for (const [label, state] of this.#labels) {
      if (!state.present) continue;
      events.push({
        type: 'end',
        label,
        frame: { seq: frame.seq, timestamp: frame.timestamp },
        score: state.best,
        count: 0,
        startedAt: state.startedAt,
        reason,
      });
    }
    this.#labels.clear();
    return events;
  }

  #newState(): LabelState {
    return {
      score: new ScoreSmoother(this.#weights),
      count: new ScoreSmoother(this.#weights),
      present: false,
      startedAt: 0,
      best: 0,
      reported: 0,
    };
  }
}

function boxOf(box: Box | undefined): { box?: Box } {
  return box === undefined ? {} : { box };
}
