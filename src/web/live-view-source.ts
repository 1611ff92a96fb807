/**
 * What the live view shows, as the daemon provides it (the contract between src/web and the
 * pipeline): a status snapshot, and per camera the latest annotated frame and edge map.
 */

export interface LiveCameraStatus {
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
export interface LiveViewSource {
  status(): LiveStatus;
  frameJpeg(cameraId: string): Buffer | undefined; // latest annotated frame (boxes drawn), JPEG
  edgesPng(cameraId: string): Buffer | undefined; // latest edge map, PNG
  /** Joins a camera's JPEG stream; undefined when there is no such camera running. */
  watchStream(cameraId: string, request: StreamRequest, client: StreamClient): StreamWatch | undefined;
}
