import * as z from 'zod';

/**
 * A camera's tracking keys: how its multi-object tracker (src/pipeline/tracking/) follows each
 * object from frame to frame, and in which order a detections message lists them. Defaults as
 * bench/tracking.ts measured them.
 */

/** How a detections message orders its objects: largest box first, or nearest to `point` first. */
export const TRACKING_ORDERS = ['size', 'distance'] as const;

const unit = z.number().min(0).max(1);

export const trackingSchema = z.strictObject({
  /** Frames in a row a new object must be detected in before it gets an id. */
  hits: z.number().int().min(1).max(100).default(2),
  /** Frames in a row a tracked object may be missed before its track ends (up to twice that while hidden behind a tracked object). */
  misses: z.number().int().min(1).max(1000).default(30),
  /** Smallest IoU between where a track is expected and a detection for them to be one object. */
  iou: z.number().gt(0).max(1).default(0.2),
  /** Detections scoring below the threshold but at least this keep a tracked object's track (and id) alive. */
  low: unit.default(0.1),
  order: z.enum(TRACKING_ORDERS).default('size'),
  /** The point `order: distance` measures from, normalised (0, 0 top-left); the default is the bottom centre. */
  point: z.tuple([unit, unit]).default([0.5, 1]),
});

export type TrackingConfig = z.infer<typeof trackingSchema>;
