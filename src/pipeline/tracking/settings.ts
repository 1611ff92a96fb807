import type { TrackerSettings } from './tracker.js';

/** The tracker's defaults (the config's `tracking` defaults; bench/tracking.ts measures them). */
export const DEFAULT_TRACKING: TrackerSettings = { hits: 2, misses: 15, iou: 0.2 };
