import type { MaskPolygons, ZonePolygon } from '../config/detection-schema.js';
import type { Detection } from '../detection.js';
import { isMasked } from './mask.js';
import { zonesOf } from './zones.js';

/** Which detections count: a camera's threshold, labels, minArea, mask and zones. */
export interface FilterSettings {
  /** Minimum score, 0..1. */
  readonly threshold: number;
  /** Labels to keep; empty keeps all. */
  readonly labels: readonly string[];
  /** Smallest box area as a fraction of the frame; 0 keeps all. */
  readonly minArea: number;
  /** Polygons where boxes are dropped (their centre in any); empty drops none. */
  readonly mask: MaskPolygons;
  /** With any zone, a box counts only when its bottom centre is in one (boxless results always count). */
  readonly zones: Readonly<Record<string, ZonePolygon>>;
  /**
   * Keep scores down to this instead of `threshold` (the tracker's low scores, which continue
   * tracks unpublished); `masked` still hears only boxes at or above `threshold`.
   */
  readonly floor?: number;
}

/**
 * Keeps the detections that count under `settings` (a new array; the input is not changed). The
 * mask comes after score, labels and size, so `masked` hears only detections that would otherwise
 * have counted, and before zones, so a masked box never reaches a zone, an event or MQTT.
 * @example filterDetections(found, { threshold: 0.5, labels: ['stop'], minArea: 0, mask: [], zones: {} })
 */
export function filterDetections(
  detections: readonly Detection[],
  settings: FilterSettings,
  masked?: { inc(n?: number): void },
): Detection[] {
  const { threshold, labels, minArea, mask, zones } = settings;
  const floor = settings.floor ?? threshold;
  const anyZone = Object.keys(zones).length > 0;
  let dropped = 0;
  const kept = detections.filter((d) => {
    if (d.score < floor) return false;
    if (labels.length > 0 && !labels.includes(d.label)) return false;
    if (d.box === undefined) return true;
    if (d.box.w * d.box.h < minArea) return false;
    if (isMasked(d.box, mask)) {
      if (d.score >= threshold) dropped++;
      return false;
    }
    return !anyZone || zonesOf(d.box, zones).length > 0;
  });
  if (dropped > 0) masked?.inc(dropped);
  return kept;
}
