/**
 * The capture stage: a configured camera becomes a FrameSource, an async stream of decoded
 * frames that never backs up (one-slot mailbox, newest wins) and never dies with the camera
 * (restarts with capped backoff, stall detection, online/offline events). One file per source
 * kind under sources/, registered in sources/index.ts.
 */
export { CaptureSource, type CaptureSourceOptions, RESTART_BACKOFF } from './capture-source.js';
export { type CreateSourceOptions, createSource } from './create.js';
export { type Orientation, type OrientPlan, orientPlan } from './geometry.js';
export { LatestMailbox } from './mailbox.js';
export { JpegSplitter, MAX_JPEG_BYTES } from './mjpeg.js';
export {
  formatProbe,
  isVideoDevice,
  listVideoDevices,
  type ProbedDevice,
  type ProbedFormat,
  type ProbedSize,
  parseFfmpegFormats,
  parseV4l2Ctl,
  probeDevice,
} from './probe.js';
export { findOnPath, resolveFfmpeg } from './programs.js';
export type {
  CameraDriver,
  CaptureEventMap,
  CaptureStats,
  CorruptEvent,
  FrameSink,
  FrameSource,
  OfflineEvent,
  OnlineEvent,
  RetryEvent,
  SessionEnd,
} from './source.js';
export { DRIVERS, driverFor } from './sources/index.js';
export { type SceneObject, SyntheticScene } from './synthetic/scene.js';
export { SIGN_LABELS, type SignLabel } from './synthetic/signs.js';
