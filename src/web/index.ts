/**
 * The live view: a page served by the health HTTP server at `/`, showing each camera's latest
 * annotated frame, its edge map, detections, events and numbers. No external assets.
 */
export { attachLiveView, type LiveViewOptions, type RouteTable } from './live-view.js';
export type {
  CameraOverlays,
  LiveCameraStatus,
  LiveStatus,
  LiveViewSource,
  Polygon,
} from './live-view-source.js';
export {
  type ObjectJpeg,
  type ObjectSnapshotSource,
  objectSnapshotUrl,
} from './object-snapshot-route.js';
