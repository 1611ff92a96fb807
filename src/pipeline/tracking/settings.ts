import type { TrackerSettings } from './tracker.js';

/** A camera's tracking settings (the config's `tracking` fits). */
export interface TrackingSettings extends TrackerSettings {
  /** Detections below the threshold but at least this may continue a born track. */
  readonly low: number;
  /** How a detections message orders its objects. */
  readonly order: 'size' | 'distance';
  /** The point `distance` measures from, normalised [x, y]. */
  readonly point: readonly [number, number];
}

/** The defaults (the config's `tracking` defaults; bench/tracking.ts measures them). */
export const DEFAULT_TRACKING: TrackingSettings = {
  hits: 2,
  misses: 30,
  iou: 0.2,
  low: 0.1,
  order: 'size',
  point: [0.5, 1],
};
