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

/** What made an object's `update`: its label, the zones its anchor is in, or a better-scoring sighting. */
export const OBJECT_CHANGES = ['label', 'zones', 'snapshot'] as const;
export type ObjectChange = (typeof OBJECT_CHANGES)[number];

/** Where a tracked object went while it was in view: what its `end` summarises. */
export interface ObjectPath {
  /** The box it was first seen with (before it was confirmed). */
  readonly firstBox: Box;
  /** The box of the last frame it was detected in. */
  readonly lastBox: Box;
  /** Every zone its anchor (bottom centre) was in, in the order first entered. */
  readonly zones: readonly string[];
  /** The best score it had, and the box it had then. */
  readonly bestScore: number;
  readonly bestBox: Box;
}

/**
 * One tracked object's event (`events.level: object`): it was confirmed (start), its label, zones
 * or best score changed (update), or its track ended (end, with its path).
 */
export interface ObjectEvent {
  readonly type: EventType;
  /** The track id (as in detections messages). */
  readonly objectId: string;
  readonly label: string;
  /** The frame that decided it (a Frame fits). */
  readonly frame: { readonly seq: number; readonly timestamp: number };
  /** The latest score (start), or the best so far (update, end). */
  readonly score: number;
  /** How many objects of this label are open after this event (0 at the end of the last one). */
  readonly count: number;
  /** When the object was confirmed (ms since the epoch). */
  readonly startedAt: number;
  /** Its box now (start, update), or its last detected box (end). */
  readonly box: Box;
  /** The zones its anchor is in now (at the end: when last detected). */
  readonly zones: readonly string[];
  /** What changed (update events only). */
  readonly changed?: readonly ObjectChange[];
  /** Where it went so far (published with end events only; kept so that a crash's end has it). */
  readonly path: ObjectPath;
  /** Why it ended (end events only). */
  readonly reason?: EndReason;
  /** Where its best snapshot is served (`/cameras/<camera>/objects/<id>.jpg`): end events, when one is kept. */
  readonly snapshot?: string;
}

/** Any event a camera publishes on its events topic: a label's (events.level: label) or an object's. */
export type CameraEvent = PresenceEvent | ObjectEvent;

/**
 * Whether an event is an object's.
 * @example isObjectEvent(event) ? event.objectId : event.label
 */
export function isObjectEvent(event: CameraEvent): event is ObjectEvent {
  return 'objectId' in event;
}

/** Which way an object crossed a counting line: `in` from the left of its from -> to to its right (as seen in the picture), `out` back. */
export type CrossingDirection = 'in' | 'out';

/** A tracked object crossing a counting line. */
export interface LineCrossing {
  readonly line: string;
  readonly objectId: string;
  readonly label: string;
  readonly direction: CrossingDirection;
  /** The frame it was seen on the far side in (a Frame fits). */
  readonly frame: { readonly seq: number; readonly timestamp: number };
}
