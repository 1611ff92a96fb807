/**
 * The JSON payloads edgecam publishes. Every one carries `v` (this schema version), the device,
 * a `seq`, the time in ms and ISO 8601; camera payloads add the camera, the model (name and
 * version) and the image size. Boxes are normalised to 0..1 of the image. Each has a JSON Schema
 * in schemas/ (tests validate what is published against them). Like pino, the part of a camera's
 * payload that never changes is serialised once, at start-up.
 */

import {
  type Box,
  type CameraEvent,
  type Detection,
  isObjectEvent,
  type LineCrossing,
  type ObjectEvent,
} from '../detection.js';
import type { GpuAdapter } from '../gpu-adapter.js';
import type { MotionResult } from '../motion-result.js';

/** Bumped when a payload changes incompatibly; subscribers can check it. */
export const PAYLOAD_VERSION = 1;

/**
 * The event payload's own version (its schema's `v`): 2 added `reason` to `end` events, which a
 * version 1 schema (no other properties allowed) rejects; 3 added `level` to every event and the
 * object events (`objectId`, `zones`, `changed`, `path`); 4 added `snapshot` to object ends (where
 * the object's best snapshot is served), which a version 3 schema rejects.
 */
export const EVENT_PAYLOAD_VERSION = 4;

/**
 * The detections payload's own version: 2 added each object's track `id` and `age` and ordered
 * the objects (by size, or by distance to a point), which a version 1 schema rejects.
 */
export const DETECTIONS_PAYLOAD_VERSION = 2;

export interface ModelRef {
  readonly name: string;
  readonly version: string;
}

/** What stays the same in every payload of one camera. */
export interface CameraContext {
  readonly device: string;
  readonly camera: string;
  readonly model: ModelRef;
  readonly image: { readonly width: number; readonly height: number };
}

/** The frame a payload is about: its seq and capture time (a Frame fits). */
export interface FrameRef {
  readonly seq: number;
  /** Milliseconds since the epoch, at capture. */
  readonly timestamp: number;
}

/** One class of a classification's top-k. */
export interface ClassScore {
  readonly label: string;
  readonly classId: number;
  readonly score: number;
}

/** A camera's settings, as commands change them. */
export interface CameraState {
  readonly enabled: boolean;
  /** Minimum score for a detection to count, 0..1. */
  readonly threshold: number;
}

/** A counting line's totals since `since` (ms since the epoch): per direction, per label. */
export interface LineTotals {
  readonly since: number;
  readonly in: Readonly<Record<string, number>>;
  readonly out: Readonly<Record<string, number>>;
}

/** One camera in the health payload. */
export interface CameraHealth {
  readonly state: 'ok' | 'starting' | 'stalled' | 'disabled';
  readonly fps: number;
  readonly inferenceMs: number;
  /** The last frame's capture time, or null before the first. */
  readonly lastFrameAt: number | null;
  readonly model: ModelRef;
  readonly image: { readonly width: number; readonly height: number };
}

/** The outbox in the health payload and in readiness. */
export interface OutboxStatus {
  readonly depth: number;
  readonly bytes: number;
  /** Messages the bounds dropped since start. */
  readonly dropped: number;
  /** Messages that left undelivered since start, by reason (a newer snapshot, the snapshot share, the bounds, a full memory). */
  readonly refused: Readonly<Record<'superseded' | 'budget' | 'full' | 'memory', number>>;
  /** False while the disk cannot take writes (full): events are held in memory meanwhile. */
  readonly writable: boolean;
  /** Entries held in memory because the disk cannot take them. */
  readonly held: number;
  /** Why the outbox cannot write, while it cannot. */
  readonly error?: string;
}

/** The device's health, published retained on `<prefix>/health`. */
export interface HealthReport {
  readonly uptimeS: number;
  readonly version: string;
  /** The inference execution provider (cpu, cuda, ...), or null before a model loads. */
  readonly provider: string | null;
  /** The GPU under the webgpu provider, or null (another provider, or no model yet). */
  readonly adapter: GpuAdapter | null;
  readonly temperatureC: number | null;
  /** The Pi's throttling flags (`vcgencmd get_throttled`), e.g. "0x0", or null elsewhere. */
  readonly throttled: string | null;
  readonly mqtt: { readonly connected: boolean };
  readonly outbox: Omit<OutboxStatus, 'error'>;
  readonly cameras: Readonly<Record<string, CameraHealth>>;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

function boxJson(box: Box): string {
  return `{"x":${round4(box.x)},"y":${round4(box.y)},"w":${round4(box.w)},"h":${round4(box.h)}}`;
}

function timeFields(seq: number, ts: number): string {
  return `"seq":${seq},"ts":${ts},"time":"${new Date(ts).toISOString()}"`;
}

/**
 * Serialises one camera's payloads; the constant head is built once.
 * @example const writer = new PayloadWriter(context); client.publish(topic, writer.detections(frame, found, 12.5))
 */
export class PayloadWriter {
  readonly #head: string;
  readonly #eventHead: string;
  readonly #detectionsHead: string;

  constructor(readonly context: CameraContext) {
    const { device, camera, model, image } = context;
    const rest =
      `"device":${JSON.stringify(device)},"camera":${JSON.stringify(camera)},` +
      `"model":${JSON.stringify({ name: model.name, version: model.version })},` +
      `"image":{"width":${image.width},"height":${image.height}},`;
    this.#head = `{"v":${PAYLOAD_VERSION},${rest}`;
    this.#eventHead = `{"v":${EVENT_PAYLOAD_VERSION},${rest}`;
    this.#detectionsHead = `{"v":${DETECTIONS_PAYLOAD_VERSION},${rest}`;
  }

  /** `<camera>/detections`: every detection of one frame (in the pipeline's order, with track id and age), and the count per label. */
  detections(frame: FrameRef, detections: readonly Detection[], inferenceMs: number): string {
    const counts = new Map<string, number>();
    let items = '';
    for (let i = 0; i < detections.length; i++) {
      const d = detections[i]!;
      counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
      items +=
        `${i === 0 ? '' : ','}{"label":${JSON.stringify(d.label)},"classId":${d.classId},"score":${round4(d.score)}` +
        `${d.box === undefined ? '' : `,"box":${boxJson(d.box)}`}` +
        `${d.id === undefined ? '' : `,"id":${JSON.stringify(d.id)}`}${d.age === undefined ? '' : `,"age":${d.age}`}}`;
    }
    let countJson = '';
    for (const [label, n] of counts)
      countJson += `${countJson === '' ? '' : ','}${JSON.stringify(label)}:${n}`;
    return (
      `${this.#detectionsHead}${timeFields(frame.seq, frame.timestamp)},"inferenceMs":${round2(inferenceMs)},` +
      `"detections":[${items}],"counts":{${countJson}}}`
    );
  }

  /** `<camera>/classification`: the top-k classes, best first. */
  classification(frame: FrameRef, top: readonly ClassScore[], inferenceMs: number): string {
    const items = top
      .map((c) => `{"label":${JSON.stringify(c.label)},"classId":${c.classId},"score":${round4(c.score)}}`)
      .join(',');
    return `${this.#head}${timeFields(frame.seq, frame.timestamp)},"inferenceMs":${round2(inferenceMs)},"top":[${items}]}`;
  }

  /**
   * `<camera>/events`: a start, update or end (with why it ended), with an id that subscribers use
   * to drop duplicates.
   */
  event(id: string, event: CameraEvent): string {
    const { frame } = event;
    const object = isObjectEvent(event);
    return (
      `${this.#eventHead}${timeFields(frame.seq, frame.timestamp)},"id":${JSON.stringify(id)},` +
      `"level":"${object ? 'object' : 'label'}","type":"${event.type}",` +
      `${object ? `"objectId":${JSON.stringify(event.objectId)},` : ''}` +
      `"label":${JSON.stringify(event.label)},"score":${round4(event.score)},"count":${event.count},` +
      `"startedAt":${event.startedAt},"durationMs":${Math.max(0, frame.timestamp - event.startedAt)}` +
      `${event.box === undefined ? '' : `,"box":${boxJson(event.box)}`}` +
      `${object ? objectFields(event) : ''}` +
      `${event.reason === undefined ? '' : `,"reason":"${event.reason}"`}}`
    );
  }

  /** `<camera>/count`: an object crossing a counting line, with an id to drop duplicates by. */
  count(id: string, crossing: LineCrossing): string {
    const { frame } = crossing;
    return (
      `${this.#head}${timeFields(frame.seq, frame.timestamp)},"id":${JSON.stringify(id)},` +
      `"line":${JSON.stringify(crossing.line)},"objectId":${JSON.stringify(crossing.objectId)},` +
      `"label":${JSON.stringify(crossing.label)},"direction":"${crossing.direction}"}`
    );
  }

  /** `<camera>/counts/<line>`: a line's totals per direction and label, and over all labels (retained). */
  counts(seq: number, ts: number, line: string, totals: LineTotals): string {
    const sum = (byLabel: Readonly<Record<string, number>>) =>
      Object.values(byLabel).reduce((a, b) => a + b, 0);
    return (
      `${this.#head}${timeFields(seq, ts)},"line":${JSON.stringify(line)},"since":${totals.since},` +
      `"totals":${JSON.stringify({ in: totals.in, out: totals.out })},` +
      `"total":{"in":${sum(totals.in)},"out":${sum(totals.out)}}}`
    );
  }

  /** `<camera>/motion`: on or off, the changed share and the moving regions (retained). */
  motion(frame: FrameRef, on: boolean, motion: MotionResult): string {
    const regions = on ? motion.regions.map(boxJson).join(',') : '';
    return (
      `${this.#head}${timeFields(frame.seq, frame.timestamp)},"state":"${on ? 'on' : 'off'}",` +
      `"share":${round4(motion.share)},"global":${motion.global},"regions":[${regions}]}`
    );
  }

  /** `<camera>/state`: the settings after a command (retained). */
  state(seq: number, ts: number, state: CameraState): string {
    return `${this.#head}${timeFields(seq, ts)},"enabled":${state.enabled},"threshold":${round4(state.threshold)}}`;
  }
}

/** An object event's own fields after its box: its zones, what changed (update), its path and snapshot (end). */
function objectFields(event: ObjectEvent): string {
  const { changed, path } = event;
  return (
    `,"zones":${JSON.stringify(event.zones)}` +
    `${changed === undefined ? '' : `,"changed":${JSON.stringify(changed)}`}` +
    `${
      event.type !== 'end'
        ? ''
        : `,"path":{"firstBox":${boxJson(path.firstBox)},"lastBox":${boxJson(path.lastBox)},` +
          `"zones":${JSON.stringify(path.zones)},"bestScore":${round4(path.bestScore)},"bestBox":${boxJson(path.bestBox)}}`
    }` +
    `${event.snapshot === undefined ? '' : `,"snapshot":${JSON.stringify(event.snapshot)}`}`
  );
}

/**
 * `<prefix>/health`: the device's health (retained, every mqtt.healthInterval seconds).
 * @example client.publish(topics.health, healthPayload('pi', 7, Date.now(), report), { retain: true })
 */
export function healthPayload(device: string, seq: number, ts: number, report: HealthReport): string {
  const cameras: Record<string, unknown> = {};
  for (const [id, c] of Object.entries(report.cameras)) {
    cameras[id] = { ...c, fps: round2(c.fps), inferenceMs: round2(c.inferenceMs) };
  }
  return JSON.stringify({
    v: PAYLOAD_VERSION,
    device,
    seq,
    ts,
    time: new Date(ts).toISOString(),
    uptimeS: Math.round(report.uptimeS),
    version: report.version,
    provider: report.provider,
    adapter: report.adapter,
    temperatureC: report.temperatureC,
    throttled: report.throttled,
    mqtt: report.mqtt,
    outbox: report.outbox,
    cameras,
  });
}
