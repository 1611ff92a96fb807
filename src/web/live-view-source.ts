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
export interface LiveViewSource {
  status(): LiveStatus;
  frameJpeg(cameraId: string): Buffer | undefined; // latest annotated frame (boxes drawn), JPEG
  edgesPng(cameraId: string): Buffer | undefined; // latest edge map, PNG
}
