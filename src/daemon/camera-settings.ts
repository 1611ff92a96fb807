import { motionEnabled } from '../config/motion-schema.js';
import { cameraChanges } from '../config/reload-changes.js';
import type { CameraConfig } from '../config/schema.js';
import { MotionDetector, type MotionSettings } from '../motion/index.js';
import type { PipelineSettings } from '../pipeline/index.js';
import type { CameraState } from '../publish/payloads.js';

/** The settings of a camera that apply without restarting it: its config with its live settings. */
export function pipelineSettings(camera: CameraConfig, live: CameraState): PipelineSettings {
  const { labels, minArea, mask, zones, tracking, events, detect } = camera;
  return {
    enabled: live.enabled,
    filter: { threshold: live.threshold, labels, minArea, mask, zones },
    tracking,
    events,
    lines: Object.entries(camera.lines).map(([name, line]) => ({ name, ...line })),
    detect,
  };
}

/** The camera's motion keys as the motion detector reads them. */
export function motionSettings(camera: CameraConfig): MotionSettings {
  const { width, adaptation, threshold, minArea, mask } = camera.motion;
  return { width, adaptation, threshold, minArea, mask };
}

/** The camera's motion detector, or undefined when it detects none (motion.enabled, else whether it has a model). */
export function createMotion(camera: CameraConfig): MotionDetector | undefined {
  return motionEnabled(camera) ? new MotionDetector(motionSettings(camera)) : undefined;
}

/**
 * Whether a camera must restart for a new config: a key of it whose declared reload policy is
 * `camera` changed (its source, capture settings, model or motion.enabled; src/config/reload-policy.ts).
 * Everything else (thresholds, labels, zones, events, chains, motion tuning) applies live.
 * @example needsRestart(old, updated) // true when source.device changed
 */
export function needsRestart(before: CameraConfig, after: CameraConfig): boolean {
  return cameraChanges(before, after).some((change) => change.policy === 'camera');
}
