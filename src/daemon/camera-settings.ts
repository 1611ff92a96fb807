import { cameraChanges } from '../config/reload-changes.js';
import type { CameraConfig } from '../config/schema.js';
import type { PipelineSettings } from '../pipeline/index.js';
import type { CameraState } from '../publish/payloads.js';

/** The settings of a camera that apply without restarting it: its config with its live settings. */
export function pipelineSettings(camera: CameraConfig, live: CameraState): PipelineSettings {
  const { labels, minArea, mask, zones, tracking, events } = camera;
  return {
    enabled: live.enabled,
    filter: { threshold: live.threshold, labels, minArea, mask, zones },
    tracking,
    events,
    lines: Object.entries(camera.lines).map(([name, line]) => ({ name, ...line })),
  };
}

/**
 * Whether a camera must restart for a new config: a key of it whose declared reload policy is
 * `camera` changed (its source, capture settings or model; src/config/reload-policy.ts). Everything
 * else (thresholds, labels, zones, events, chains) applies live.
 * @example needsRestart(old, updated) // true when source.device changed
 */
export function needsRestart(before: CameraConfig, after: CameraConfig): boolean {
  return cameraChanges(before, after).some((change) => change.policy === 'camera');
}
