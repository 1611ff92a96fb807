import type { CameraConfig } from '../config/schema.js';
import type { Detection } from '../detection.js';
import { cameraCheck, modelCheck, type Readiness } from '../health/readiness.js';
import type { ModelInfo } from '../inference/model-info.js';
import type { PipelineStatus } from '../pipeline/index.js';
import type { CameraHealth, LineTotals } from '../publish/payloads.js';
import type { CameraOverlays, LiveCameraStatus, Polygon } from '../web/live-view-source.js';

/**
 * How a running camera reports itself: to the live view (its page's status) and in the health
 * payload, from what its pipeline, model and source say at the moment of asking, and to /readyz.
 */

/** What a camera reports from: undefined parts are not there yet (no frame, no model). */
interface CameraReadings {
  readonly pipeline: PipelineStatus | undefined;
  readonly info: ModelInfo | undefined;
}

/** The camera on the live view's status. */
export function liveCameraStatus(
  id: string,
  r: CameraReadings & {
    readonly online: boolean;
    readonly shown: readonly Detection[] | undefined;
    readonly camera: CameraConfig;
    readonly totals?: (line: string) => LineTotals | undefined;
  },
): LiveCameraStatus {
  const s = r.pipeline;
  return {
    id,
    ...cameraOverlays(r.camera, r.totals),
    online: r.online,
    fps: s?.fps ?? 0,
    inferenceMs: s?.inferenceMs ?? null,
    provider: r.info?.provider ?? null,
    model: r.info === undefined ? null : `${r.info.name} ${r.info.version}`,
    frameSize: s?.frameSize ?? null,
    // The boxes on the frame the page shows, once one is encoded; the pipeline's latest before.
    detections: (r.shown ?? s?.detections ?? []).map((d) => ({
      label: d.label,
      score: d.score,
      ...(d.box ? { box: d.box } : {}),
    })),
    events: [...(s?.events ?? [])],
    lastFrameAt: s?.lastFrameAt ?? null,
  };
}

/**
 * What the live view draws over a camera's picture, from its config (as reloaded) and its lines'
 * totals (`totals`: none until its counting has started). `motion.mask` is read where the config
 * has it (motion detection's key), else [].
 * @example cameraOverlays(camera).masks.detections // camera.mask
 */
export function cameraOverlays(
  camera: CameraConfig,
  totals: (line: string) => LineTotals | undefined = () => undefined,
): CameraOverlays {
  const motion = (camera as { readonly motion?: { readonly mask?: readonly Polygon[] } }).motion;
  const sum = (tally: Readonly<Record<string, number>> | undefined) =>
    Object.values(tally ?? {}).reduce((n, k) => n + k, 0);
  return {
    masks: { detections: [...camera.mask], motion: [...(motion?.mask ?? [])] },
    zones: Object.entries(camera.zones).map(([name, polygon]) => ({ name, polygon })),
    lines: Object.entries(camera.lines).map(([name, line]) => {
      const t = totals(name);
      return {
        name,
        from: line.from,
        to: line.to,
        direction: line.direction,
        counts: { in: sum(t?.in), out: sum(t?.out) },
      };
    }),
  };
}

/** The camera in the health payload: disabled, starting (no frame yet), stalled or ok. */
export function cameraHealth(
  r: CameraReadings & {
    readonly enabled: boolean;
    readonly lastFrameAt: number | undefined;
    readonly now: number;
    readonly frameTimeoutMs: number;
    readonly image: { readonly width: number; readonly height: number };
  },
): CameraHealth {
  const last = r.lastFrameAt;
  const state = !r.enabled
    ? 'disabled'
    : last === undefined
      ? 'starting'
      : r.now - last > r.frameTimeoutMs
        ? 'stalled'
        : 'ok';
  return {
    state,
    fps: r.pipeline?.fps ?? 0,
    inferenceMs: r.pipeline?.inferenceMs ?? 0,
    lastFrameAt: last ?? null,
    model: { name: r.info?.name ?? 'none', version: r.info?.version ?? '0' },
    image: r.image,
  };
}

/**
 * The camera's readiness checks: `camera:<id>` (a frame within http.frameTimeout) and, when it has
 * a model, `model:<id>` (loaded).
 */
export function addCameraChecks(
  readiness: Readiness,
  id: string,
  o: {
    readonly lastFrameAt: () => number | undefined;
    readonly frameTimeoutMs: number;
    readonly now: () => number;
    readonly model: { readonly loaded: () => boolean; readonly info: ModelInfo } | undefined;
  },
): void {
  readiness.add(`camera:${id}`, cameraCheck(o.lastFrameAt, o.frameTimeoutMs, o.now));
  if (o.model !== undefined)
    readiness.add(`model:${id}`, modelCheck(o.model.loaded, `${o.model.info.name} ${o.model.info.version}`));
}
