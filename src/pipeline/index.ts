/**
 * The pipeline stage: per camera, frames (latest wins) through the kernel worker and the model,
 * detections filtered (threshold, labels, minimum area, zones), scores smoothed over time with a
 * 1-D kernel, and presence events with hysteresis. It knows no other stage: the daemon wires it.
 */

export {
  CameraPipeline,
  type CameraPipelineOptions,
  type FrameKernels,
  type FrameReport,
  type FrameStream,
  type Model,
  type PipelineMetrics,
  type PipelineSettings,
  type PipelineSink,
  type PipelineStatus,
  type TimedStage,
} from './camera-pipeline.js';
export { type ChainRunner, chainRunner } from './chain-runner.js';
export type { Box, Detection, EventType, PresenceEvent } from './detection.js';
export { type EventSettings, PresenceTracker } from './events.js';
export { type FilterSettings, filterDetections } from './filter.js';
export { type KernelOutput, KernelSlot, KernelWorker } from './kernel-worker-client.js';
export { ScoreSmoother, type SmoothingKernel, smoothingWeights } from './smoothing.js';
export { insidePolygon, zonesOf } from './zones.js';
