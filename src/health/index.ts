/**
 * The health stage: /healthz, /readyz and /metrics over HTTP, the shared metric set, board
 * temperature and throttling, and the systemd watchdog.
 */
export { HealthServer, type HealthServerOptions, type RouteHandler } from './http.js';
export {
  type CameraMetrics,
  createMetrics,
  type EdgecamMetrics,
  type MetricsOptions,
  publishStats,
  STAGES,
  type Stage,
} from './metrics.js';
export { createNotifier, type Notifier } from './notify.js';
export {
  type Check,
  type CheckResult,
  cameraCheck,
  modelCheck,
  publishCheck,
  Readiness,
  type ReadinessReport,
} from './readiness.js';
export { createThrottledReader, hottest, readThermalZones, type ThermalZone } from './system.js';
export { Watchdog, type WatchdogOptions, watchdogIntervalMs } from './watchdog.js';
