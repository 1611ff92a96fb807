import type { ObjectSnapshotSource } from './object-snapshot-route.js';

/**
 * What the live view shows, as the daemon provides it (the contract between src/web and the
 * pipeline): a status snapshot, and per camera the latest annotated frame and edge map.
 */

/** A polygon in normalised frame coordinates: [x, y] corners, (0, 0) the top-left, (1, 1) the bottom-right. */
export type Polygon = readonly (readonly [number, number])[];

/**
 * A counting line as the page draws it: its ends (normalised), which crossings count (`in` is
 * from the left of from -> to to its right, as seen in the picture), and its totals since the
 * last reset (per direction, summed over labels; 0 before the first count).
 */
export interface OverlayLine {
  name: string;
  from: readonly [number, number];
  to: readonly [number, number];
  direction: 'both' | 'in' | 'out';
  counts: { in: number; out: number };
}

/**
 * What the page draws over a camera's picture: where detections are dropped, where motion is
 * ignored (each [] when the camera has none), its named zones and its counting lines. Any stage's
 * mask the config gains goes here as one more list, and the page draws it.
 */
export interface CameraOverlays {
  masks: { detections: Polygon[]; motion: Polygon[] };
  zones: { name: string; polygon: Polygon }[];
  lines: OverlayLine[];
}

export interface LiveCameraStatus extends CameraOverlays {
  id: string;
  online: boolean;
  fps: number;
  inferenceMs: number | null;
  provider: string | null;
  model: string | null;
  frameSize: { width: number; height: number } | null;
  detections: { label: string; score: number; box?: { x: number; y: number; w: number; h: number } }[];
  events: { type: 'start' | 'update' | 'end'; label: string; at: number }[]; // newest first, at most 20
  lastFrameAt: number | null;
}
export interface LiveStatus {
  device: string;
  uptimeS: number;
  mqtt: { connected: boolean; url: string };
  cameras: LiveCameraStatus[];
}
/** What a stream client asks for: detections drawn or the camera's own picture, and at most this many frames a second. */
export interface StreamRequest {
  readonly raw: boolean;
  readonly fps: number;
}
/** One client's place on a camera's JPEG stream. */
export interface StreamWatch {
  /** The frame rate it gets: the one asked for, at most the camera's. */
  readonly fps: number;
  /** The client's socket was backed up (`queuedBytes` not yet sent), so a frame was not written to it. */
  skipped(queuedBytes: number): void;
  /** The client left: no more frames (the camera's encoder stops when its last client leaves). */
  stop(): void;
}
/** Hears a stream's frames: each JPEG encoded once, handed to every client it is due for; `ended` when the camera stops. */
export interface StreamClient {
  frame(jpeg: Buffer, seq: number): void;
  ended(): void;
}
/** Also each object's best snapshot (events.level: object), at /cameras/<id>/objects/<object>.jpg. */
export interface LiveViewSource extends ObjectSnapshotSource {
  status(): LiveStatus;
  frameJpeg(cameraId: string): Buffer | undefined; // latest annotated frame (boxes drawn), JPEG
  edgesPng(cameraId: string): Buffer | undefined; // latest edge map, PNG
  /** Joins a camera's JPEG stream; undefined when there is no such camera running. */
  watchStream(cameraId: string, request: StreamRequest, client: StreamClient): StreamWatch | undefined;
}
