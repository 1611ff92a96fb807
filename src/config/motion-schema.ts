import * as z from 'zod';
import { polygonSchema } from './detection-schema.js';
import { onReload } from './reload-policy.js';

/**
 * A camera's motion keys: how frames are differenced (motion/), and whether the model runs on
 * every frame or only where something moved (detect.mode). All but motion.enabled apply live: a
 * reload hands the motion detector and the pipeline their new settings from the next frame.
 */

export const DETECT_MODES = ['always', 'motion'] as const;
export type DetectMode = (typeof DETECT_MODES)[number];

const unit = z.number().min(0).max(1);

export const motionSchema = z.strictObject({
  /** Left out: on for a camera with a model, off for one without. Turning it on or off restarts the camera. */
  enabled: onReload('camera', z.boolean().optional()),
  /** The width of the gray copy frames are compared at (the height keeps the aspect ratio). */
  width: onReload('live', z.number().int().min(16).max(1920).default(160)),
  /** How fast the background follows the picture: the share of each frame mixed into it. */
  adaptation: onReload('live', z.number().gt(0).max(1).default(0.05)),
  /** Gray levels (1..255) a blurred pixel must differ from the background by to count as moving. */
  threshold: onReload('live', z.number().min(1).max(255).default(20)),
  /** The smallest moving region, as a share of the frame's area. */
  minArea: onReload('live', unit.default(0.0005)),
  /** Polygons where motion is ignored (a swaying tree, a timestamp overlay). */
  mask: onReload('live', z.array(polygonSchema).default([])),
});

export const detectSchema = z.strictObject({
  /** always: the model runs on every frame; motion: only where something moved, plus a keep-alive run. */
  mode: z.enum(DETECT_MODES).default('motion'),
  /** Seconds between whole-frame runs while nothing moves (stationary objects stay known). */
  keepAlive: z.number().positive().max(86_400).default(10),
});

/** The keys a camera adds for motion (spread into the camera schema). */
export const motionShape = {
  // enabled restarts the camera (its detector comes and goes); the rest applies live.
  motion: motionSchema.prefault({}),
  detect: onReload('live', detectSchema.prefault({})),
};

export type MotionConfig = z.infer<typeof motionSchema>;
export type DetectConfig = z.infer<typeof detectSchema>;

/**
 * Whether a camera detects motion: as configured, else when it has a model.
 * @example motionEnabled({ model: 'models/signs', motion: { enabled: undefined } }) // true
 */
export function motionEnabled(camera: {
  readonly model: string;
  readonly motion: { readonly enabled?: boolean | undefined };
}): boolean {
  return camera.motion.enabled ?? camera.model !== '';
}
