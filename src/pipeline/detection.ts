/**
 * What the pipeline works on, stated here so that it needs no other stage: a model's detection
 * (the inference stage's Detection fits) and the events it turns detections into (the publish
 * stage's PresenceEvent fits).
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One thing a model found; `box` normalised 0..1 (detectors only). */
export interface Detection {
  readonly label: string;
  readonly classId: number;
  readonly score: number;
  readonly box?: Box;
}

export type EventType = 'start' | 'update' | 'end';

/** A label becoming present, its count changing, or the label leaving. */
export interface PresenceEvent {
  readonly type: EventType;
  readonly label: string;
  /** The frame that decided it. */
  readonly frame: { readonly seq: number; readonly timestamp: number };
  /** The smoothed score now (start), or the best while present (update, end). */
  readonly score: number;
  /** How many are present (0 at end). */
  readonly count: number;
  /** When the presence started (ms since the epoch). */
  readonly startedAt: number;
  readonly box?: Box;
}
