import type { ZonePolygon } from '../config/detection-schema.js';
import type { Detection } from '../detection.js';
import { zonesOf } from './zones.js';

/** Which detections count: a camera's threshold, labels, minArea and zones. */
export interface FilterSettings {
  /** Minimum score, 0..1. */
  readonly threshold: number;
  /** Labels to keep; empty keeps all. */
  readonly labels: readonly string[];
  /** Smallest box area as a fraction of the frame; 0 keeps all. */
  readonly minArea: number;
  /** With any zone, a box counts only when its bottom centre is in one (boxless results always count). */
  readonly zones: Readonly<Record<string, ZonePolygon>>;
}

/**
 * Keeps the detections that count under `settings` (a new array; the input is not changed).
 * @example filterDetections(found, { threshold: 0.5, labels: ['stop'], minArea: 0, zones: {} })
 */
export function filterDetections(detections: readonly Detection[], settings: FilterSettings): Detection[] {
  const { threshold, labels, minArea, zones } = settings;
  const anyZone = Object.keys(zones).length > 0;
  return detections.filter((d) => {
    if (d.score < threshold) return false;
    if (labels.length > 0 && !labels.includes(d.label)) return false;
    if (d.box === undefined) return true;
    if (d.box.w * d.box.h < minArea) return false;
    return !anyZone || zonesOf(d.box, zones).length > 0;
  });
}
