import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `GET /cameras/<camera>/objects/<object>.jpg`: an object's best snapshot (events.level: object),
 * as the camera's store keeps it, behind the same token as the camera's other images. Both ids
 * must be plain names (letters, digits, "-", "_"), so that no request can reach a file outside
 * the store's folder, whatever it escapes.
 */

/** What a camera's store says about an object's snapshot. */
export type ObjectJpeg =
  | { readonly found: 'jpeg'; readonly bytes: Buffer }
  /** No such camera is running. */
  | { readonly found: 'no-camera' }
  /** The camera keeps no object snapshots (label events, or events.snapshots.keep: 0). */
  | { readonly found: 'not-kept' }
  /** None of that object (never seen, or deleted past events.snapshots.keep). */
  | { readonly found: 'none' };

/** Where the daemon looks an object's snapshot up. */
export interface ObjectSnapshotSource {
  objectJpeg(cameraId: string, objectId: string): Promise<ObjectJpeg>;
}

const CAMERA_ID = /^[a-z0-9][a-z0-9_-]*$/;
const OBJECT_FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.jpg$/;
const USAGE = 'use /cameras/<camera>/objects/<objectId>.jpg with the objectId of an object event';

/**
 * The address an object's snapshot is served at (what its end event names).
 * @example objectSnapshotUrl('front', '3-7') // '/cameras/front/objects/3-7.jpg'
 */
export function objectSnapshotUrl(cameraId: string, objectId: string): string {
  return `/cameras/${cameraId}/objects/${objectId}.jpg`;
}

/** Whether a path is an object snapshot's (`/cameras/<camera>/objects/<file>`), to route it here. */
export function isObjectSnapshotPath(pathname: string): boolean {
  const parts = pathname.split('/');
  return parts.length === 5 && parts[3] === 'objects';
}

/** Serves `/cameras/<camera>/objects/<object>.jpg`; a 404 with a JSON body that says why. */
export async function serveObjectSnapshot(
  req: IncomingMessage,
  res: ServerResponse,
  source: ObjectSnapshotSource,
): Promise<void> {
  const parts = new URL(req.url ?? '/', 'http://localhost').pathname.split('/'); // ['', 'cameras', id, 'objects', file]
  const camera = decoded(parts[2]);
  const objectId = OBJECT_FILE.exec(decoded(parts[4]))?.[1];
  if (!CAMERA_ID.test(camera) || objectId === undefined) {
    notFound(res, `not an object snapshot's address: ${USAGE}`);
    return;
  }
  const found = await source.objectJpeg(camera, objectId);
  switch (found.found) {
    case 'no-camera':
      notFound(res, `no camera "${camera}" is running`);
      return;
    case 'not-kept':
      notFound(
        res,
        `camera "${camera}" keeps no object snapshots: set its events.level: object and events.snapshots.keep above 0`,
      );
      return;
    case 'none':
      notFound(
        res,
        `camera "${camera}" has no snapshot of object "${objectId}": not seen, or deleted as older than the newest events.snapshots.keep`,
      );
      return;
    case 'jpeg':
      res.writeHead(200, {
        'Content-Type': 'image/jpeg',
        'Content-Length': found.bytes.length,
        // A later, better sighting replaces it while the object is in view.
        'Cache-Control': 'private, no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(found.bytes);
  }
}

/** A path segment decoded; '' for a malformed %-escape, which names nothing. */
function decoded(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

function notFound(res: ServerResponse, error: string): void {
  res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error }));
}
