import * as z from 'zod';
import { onReload } from './reload-policy.js';
import { trackingSchema } from './tracking-schema.js';

/**
 * A camera's detection keys: its model, which detections count (threshold, labels, minimum box
 * area, zones, mask), how scores become events (temporal smoothing and hysteresis), and whether it runs.
 * The pipeline reads them; each declares how a reload applies it (reload-policy.ts).
 */

/** The 1-D temporal kernels a camera's scores can be smoothed with (the kernel engine's box and Gaussian). */
export const SMOOTHING_KERNELS = ['mean', 'gaussian'] as const;
/** Zone names appear in logs and the live view: letters, digits, "-" and "_". */
export const ZONE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const unit = z.number().min(0).max(1);

const corner = z.tuple([z.number(), z.number()]).describe('a corner [x, y]');

/**
 * A polygon in normalised frame coordinates: at least 3 [x, y] corners, each 0..1 (0, 0 is
 * top-left). Checked here rather than with min/max so that the likeliest mistakes (pixels for
 * fractions, a corner too few) get a message that says so and how to fix it.
 */
export const polygonSchema = z
  .array(corner)
  .describe('a polygon: a list of 3 or more corners [x, y], x and y from 0 to 1')
  .superRefine((polygon, ctx) => {
    if (polygon.length < 3) {
      ctx.addIssue({
        code: 'custom',
        message: `a polygon needs at least 3 corners, received ${polygon.length}`,
        params: { fix: 'list 3 or more corners [x, y], e.g. [[0, 0], [0.5, 0], [0.5, 1]]' },
      });
    }
    polygon.forEach((point, i) => {
      point.forEach((value, axis) => {
        if (value >= 0 && value <= 1) return;
        ctx.addIssue({
          code: 'custom',
          path: [i, axis],
          message: `${axis === 0 ? 'x' : 'y'} = ${value} is outside the frame: corners are fractions of the frame from 0 to 1 (0, 0 is the top-left)`,
          params: {
            fix: `divide pixels by the frame's ${axis === 0 ? 'width' : 'height'}, e.g. ${axis === 0 ? 'x 320 of 640 px is 0.5' : 'y 120 of 480 px is 0.25'}`,
          },
        });
      });
    });
  });

/** Polygons where detections are dropped (a box whose centre is in any): e.g. a poster, a parked car, a screen. */
export const maskSchema = z.array(polygonSchema);

const smoothingSchema = z.strictObject({
  kernel: z.enum(SMOOTHING_KERNELS).default('mean'),
  frames: z.number().int().min(1).max(100).default(5),
});

/**
 * Object level: how many objects' snapshots (`<stateDir>/snapshots/<camera>/<object>.jpg`) the
 * camera keeps, the oldest deleted first; 0 keeps none. A change restarts the camera, whose store
 * then deletes down to the new bound.
 */
const objectSnapshotsSchema = z.strictObject({
  keep: onReload('camera', z.number().int().min(0).max(100_000).default(100)),
});

/** What a camera's events are about: each label's presence, or each tracked object. */
export const EVENT_LEVELS = ['label', 'object'] as const;

export const eventsSchema = z
  .strictObject({
    /**
     * label: one event per label present (smoothed, with hysteresis); object: one per tracked
     * object. A change restarts the camera, so that the events open under one level end (stopped)
     * before the other's begin.
     */
    level: onReload('camera', z.enum(EVENT_LEVELS).default('label')),
    smoothing: onReload('live', smoothingSchema.prefault({})),
    /** An event starts when a label's smoothed score reaches this. */
    start: onReload('live', unit.default(0.5)),
    /** ... and ends when it falls below this (hysteresis: end < start). */
    end: onReload('live', unit.default(0.25)),
    /** Object level: an object's `update` for a better score comes at most once per this many seconds (0: never). */
    snapshotInterval: onReload('live', z.number().min(0).max(3600).default(5)),
    /** Object level: the best snapshot of each object kept as a JPEG in stateDir, served over HTTP. */
    snapshots: objectSnapshotsSchema.prefault({}),
  })
  .superRefine((events, ctx) => {
    if (events.end >= events.start) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `end (${events.end}) must be below start (${events.start}), or one noisy frame starts and ends events`,
        params: { fix: 'keep end below start, e.g. start: 0.5, end: 0.25' },
      });
    }
  });

/** The keys a camera adds for detection (spread into the camera schema). */
export const detectionShape = {
  /** A model package folder (models/signs) or its model.json; "" runs no model. */
  model: onReload('camera', z.string().default('')),
  threshold: onReload('live', unit.default(0.5)),
  labels: onReload('live', z.array(z.string().min(1)).default([])),
  minArea: onReload('live', unit.default(0)),
  zones: onReload('live', z.record(z.string().regex(ZONE_NAME_PATTERN), polygonSchema).default({})),
  mask: onReload('live', maskSchema.default([])),
  tracking: onReload('live', trackingSchema.prefault({})),
  // Its keys declare their own reload policies (level restarts the camera).
  events: eventsSchema.prefault({}),
  /** false: the camera stops (true: it starts). */
  enabled: onReload('camera', z.boolean().default(true)),
};

export type EventsConfig = z.infer<typeof eventsSchema>;
export type ZonePolygon = z.infer<typeof polygonSchema>;
/** A camera's detection mask: polygons, each in normalised coordinates. */
export type MaskPolygons = z.infer<typeof maskSchema>;
