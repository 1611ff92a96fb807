/**
 * The words every stage uses for what a model found and what the pipeline makes of it: the
 * inference stage produces Detections, the pipeline filters and tracks them and turns them into
 * PresenceEvents, the publish stage serialises both. Declared once here, so that no stage needs
 * another's types.
 */

/** A box normalised 0..1 to the frame: x, y of the top-left corner, w, h. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * What a model found in a frame. `box` (detectors only) is normalised to the original frame,
 * whatever resize the model's input needed; classifiers give label scores without boxes.
 */
export interface Detection {
  readonly label: string;
  readonly classId: number;
  readonly score: number;
  readonly box?: Box;
  /**
   * The tracked object's id (the pipeline's tracker): the same in every frame while the object
   * stays in view, unique per camera across restarts; absent until the object is confirmed.
   */
  readonly id?: string;
  /** Frames since the tracked object was first seen, this one included (missed frames count). */
  readonly age?: number;
}

/** The kinds of presence event, as published in an event payload's `type`. */
export const EVENT_TYPES = ['start', 'update', 'end'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Why an event ended, as published in an end payload's `reason`: the label left the view (gone),
 * its camera was paused by a command (disabled), the camera or edgecam stopped (stopped), or
 * edgecam stopped uncleanly and ended the event at its next start (restart).
 */
export const END_REASONS = ['gone', 'disabled', 'stopped', 'restart'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** A label becoming present, its count changing, or the label leaving. */
export interface PresenceEvent {
  readonly type: EventType;
  readonly label: string;
  /** The frame that decided it (a Frame fits). */
  readonly frame: { readonly seq: number; readonly timestamp: number };
  /** The smoothed score now (start), or the best while present (update, end). */
  readonly score: number;
  /** How many are present (0 at end). */
  readonly count: number;
  /** When the presence started (ms since the epoch). */
  readonly startedAt: number;
  readonly box?: Box;
  /** Why it ended (end events only). */
  readonly reason?: EndReason;
}
