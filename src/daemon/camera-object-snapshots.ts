import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CameraConfig, Config } from '../config/schema.js';
import { type CameraEvent, type Detection, isObjectEvent } from '../detection.js';
import type { Frame } from '../frame.js';
import type { EdgecamMetrics } from '../health/metrics.js';
import { type ObjectJpeg, objectSnapshotUrl } from '../web/object-snapshot-route.js';
import { OBJECT_ID_PATTERN, ObjectSnapshots } from './object-snapshots.js';
import { snapshotWorthy } from './snapshots.js';
import type { Tasks } from './tasks.js';

/** `<stateDir>/snapshots/<camera>`: where a camera's object snapshots are kept. */
export function objectSnapshotsDir(stateDir: string, camera: string): string {
  return join(stateDir, 'snapshots', camera);
}

/**
 * A camera's object snapshot store, or undefined when it keeps none (`events.level: label`, or
 * `events.snapshots.keep: 0`). Its failures are counted by op, and logged once per kind (op and
 * error code) at warn, the rest at debug, so that a full disk logs once, not at every object.
 * @example const store = await cameraObjectSnapshots(config.stateDir, camera, deps)
 */
export async function cameraObjectSnapshots(
  stateDir: string,
  camera: CameraConfig,
  deps: { readonly logger: Logger; readonly metrics: EdgecamMetrics; readonly tasks: Tasks },
): Promise<ObjectSnapshots | undefined> {
  const { keep } = camera.events.snapshots;
  if (camera.events.level !== 'object' || keep === 0) return undefined;
  const metrics = deps.metrics.camera(camera.id);
  const logged = new Set<string>();
  const dir = objectSnapshotsDir(stateDir, camera.id);
  return ObjectSnapshots.open({
    dir,
    keep,
    tasks: deps.tasks,
    dropped: metrics.objectSnapshotsDropped,
    failed: (op, err) => {
      metrics.objectSnapshotErrors[op].inc();
      const kind = `${op}:${(err as NodeJS.ErrnoException).code ?? 'error'}`;
      const level = logged.has(kind) ? 'debug' : 'warn';
      logged.add(kind);
      deps.logger[level](
        { err, camera: camera.id, op, dir },
        `camera "${camera.id}": cannot ${op === 'index' ? 'read' : op} an object snapshot in ${dir} (events go on; later failures like it are logged at debug)`,
      );
    },
  });
}

/**
 * Where the snapshot an earlier run kept of an object is served, for the `end` (reason restart) of
 * an object a crash left open: when its camera still keeps object snapshots and the file is there
 * (the camera's store indexes it when it starts).
 * @example await keptSnapshotUrl(config, 'front', '3-7') // '/cameras/front/objects/3-7.jpg'
 */
export async function keptSnapshotUrl(
  config: Config,
  camera: string,
  objectId: string,
): Promise<string | undefined> {
  const kept = config.cameras.find((c) => c.id === camera && c.enabled);
  if (kept === undefined || kept.events.level !== 'object' || kept.events.snapshots.keep === 0)
    return undefined;
  if (!OBJECT_ID_PATTERN.test(objectId)) return undefined;
  const file = join(objectSnapshotsDir(config.stateDir, camera), `${objectId}.jpg`);
  return (await isFile(file)) ? objectSnapshotUrl(camera, objectId) : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // gone, or unreadable: either way not served
  }
}

/** The event as published: an object's end names its snapshot's address when the store holds one. */
export function withSnapshot(
  event: CameraEvent,
  camera: string,
  store: ObjectSnapshots | undefined,
): CameraEvent {
  if (store === undefined || !isObjectEvent(event) || event.type !== 'end' || !store.has(event.objectId))
    return event;
  return { ...event, snapshot: objectSnapshotUrl(camera, event.objectId) };
}

/** What the HTTP route gets for an object: its JPEG, or why there is none. */
export async function objectJpegIn(
  store: ObjectSnapshots | undefined,
  objectId: string,
): Promise<ObjectJpeg> {
  if (store === undefined) return { found: 'not-kept' };
  const bytes = await store.read(objectId);
  return bytes === undefined ? { found: 'none' } : { found: 'jpeg', bytes };
}

/** Stores an object's snapshot-worthy sighting (its start, a better one), boxing that object alone. */
export function offerSnapshot(
  store: ObjectSnapshots | undefined,
  event: CameraEvent,
  frame: Frame | undefined,
  detections: readonly Detection[],
): void {
  if (store === undefined || frame === undefined || !isObjectEvent(event) || !snapshotWorthy(event)) return;
  store.offer(event.objectId, { frame, detections: detections.filter((d) => d.id === event.objectId) });
}
