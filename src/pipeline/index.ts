/**
 * The pipeline stage: per camera, frames (latest wins) through its kernel chains and the model,
 * detections filtered (threshold, labels, minimum area, mask, zones) and tracked (ids kept while an
 * object stays in view: tracking/), scores smoothed over time with a
 * 1-D kernel, and presence events with hysteresis (per label, or per tracked object), and counting
 * lines crossed. It knows no other stage: it declares the ports
 * it needs (FrameStream, FrameKernels, Model, PipelineSink) and the daemon wires the stages that
 * fit them (capture, chains, inference, publish).
 */

export {
  CameraPipeline,
  type CameraPipelineOptions,
  type FrameKernels,
  type FrameReport,
  type FrameStream,
  type Model,
  type MotionPort,
  type PipelineMetrics,
  type PipelineSettings,
  type PipelineSink,
  type PipelineStatus,
  type TimedStage,
} from './camera-pipeline.js';
export { type EventSettings, PresenceTracker } from './events.js';
export { type FilterSettings, filterDetections } from './filter.js';
export { type CountingLine, LineCrossings, sideOf } from './line-crossings.js';
export { isMasked } from './mask.js';
export { type DetectSettings, type ModelPlan, MotionGate } from './motion-gate.js';
export { type ObjectEventSettings, ObjectEvents } from './object-events.js';
export { type CropRect, inCrops, mergeCropDetections, planCrops, toFrame } from './region-crops.js';
export { ScoreSmoother, type SmoothingKernel, smoothingWeights } from './smoothing.js';
export { DEFAULT_TRACKING, type TrackingSettings } from './tracking/settings.js';
export type { TrackView } from './tracking/track.js';
export { TrackIds } from './tracking/track-ids.js';
export { TrackedDetections } from './tracking/tracked-detections.js';
export { MultiObjectTracker, type TrackerSettings } from './tracking/tracker.js';
export { insidePolygon, zonesOf } from './zones.js';
