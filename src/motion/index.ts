/**
 * The motion stage: frame differencing on the kernel engine, per camera. It says whether and
 * where something moved; the pipeline decides from that whether (and where) the model runs, and
 * the daemon publishes it.
 */

export { Background, type Lighting } from './background.js';
export { maskGrid } from './mask.js';
export { GLOBAL_SHARE, MotionDetector, type MotionSettings } from './motion-detector.js';
export { type GridRegion, RegionLabeller } from './regions.js';
