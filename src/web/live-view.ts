import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock } from '../time/clock.js';
import type { LiveStatus, LiveViewSource } from './live-view-source.js';
import { serveMjpeg } from './mjpeg-stream.js';
import { isObjectSnapshotPath, serveObjectSnapshot } from './object-snapshot-route.js';
import { loadPageAssets } from './page-assets.js';

/**
 * The live view on the health HTTP server: the page at `/` (open: it holds no data), and behind
 * the token when one is set, `/api/status` (JSON) and each camera's latest annotated frame and
 * edge map. The page reads the token from its own address (`#token=...`) and sends it as
 * `Authorization: Bearer` on every fetch, so no token ever travels in a URL that a log keeps.
 */

/**
 * Where the live view adds its routes (the daemon passes its health server): the web stage declares
 * the port it needs instead of importing another stage.
 */
export interface RouteTable {
  /** Adds a route; `open: false` (the default) puts it behind the server's token. */
  route(
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
    options?: { open?: boolean },
  ): void;
}

export interface LiveViewOptions {
  /** Milliseconds since the epoch, sent as serverTime so the page can say "4 s ago" whatever the phone's clock says. */
  readonly now?: () => number;
}

// The page's scripts and styles come from this server only; images are blob: URLs of fetched bytes.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMAGES = {
  'frame.jpg': { type: 'image/jpeg', read: (s: LiveViewSource, id: string) => s.frameJpeg(id) },
  'edges.png': { type: 'image/png', read: (s: LiveViewSource, id: string) => s.edgesPng(id) },
} as const;

/**
 * Serves the live view: `/`, `/api/status`, `/cameras/<id>/frame.jpg`, `/cameras/<id>/edges.png`,
 * `/cameras/<id>/objects/<object>.jpg` (object-snapshot-route.ts), `/api/cameras/<id>/stream.mjpeg`.
 * @example attachLiveView(http, daemon.liveView) // then open http://127.0.0.1:8080/
 */
export function attachLiveView(
  server: RouteTable,
  source: LiveViewSource,
  options: LiveViewOptions = {},
): void {
  const now = options.now ?? systemClock.now;
  for (const [path, asset] of loadPageAssets()) {
    server.route(
      path,
      (_req, res) => {
        res.writeHead(200, {
          'Content-Type': asset.contentType,
          'Content-Length': asset.body.length,
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        res.end(asset.body);
      },
      { open: true },
    );
  }
  server.route('/api/status', (_req, res) => {
    const body = JSON.stringify({ ...redacted(source.status()), serverTime: now() });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(body);
  });
  const etags = new ImageTags();
  server.route('/cameras/*', (req, res) =>
    isObjectSnapshotPath(new URL(req.url ?? '/', 'http://localhost').pathname)
      ? serveObjectSnapshot(req, res, source)
      : serveImage(req, res, source, etags),
  );
  server.route('/api/cameras/*', (req, res) => serveCameraApi(req, res, source));
}

/** `/api/cameras/<id>/stream.mjpeg` (mjpeg-stream.ts). */
function serveCameraApi(req: IncomingMessage, res: ServerResponse, source: LiveViewSource): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/'); // ['', 'api', 'cameras', id, 'stream.mjpeg']
  const id = cameraId(parts[3]);
  if (parts.length !== 5 || parts[4] !== 'stream.mjpeg' || id === '') {
    notFound(res, 'use /api/cameras/<id>/stream.mjpeg');
    return;
  }
  serveMjpeg(req, res, source, id, url.searchParams);
}

/** A path segment's camera id; '' for a malformed %-escape, which names no camera. */
function cameraId(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

function serveImage(
  req: IncomingMessage,
  res: ServerResponse,
  source: LiveViewSource,
  etags: ImageTags,
): void {
  const parts = new URL(req.url ?? '/', 'http://localhost').pathname.split('/'); // ['', 'cameras', id, file]
  const image = parts.length === 4 ? IMAGES[parts[3] as keyof typeof IMAGES] : undefined;
  const id = cameraId(parts[2]);
  if (image === undefined || id === '') {
    notFound(res, 'use /cameras/<id>/frame.jpg or /cameras/<id>/edges.png');
    return;
  }
  const bytes = image.read(source, id);
  if (bytes === undefined) {
    if (source.status().cameras.some((c) => c.id === id)) {
      // The camera exists but has no picture yet: 204, which a browser does not report as an error.
      res.writeHead(204, { 'Cache-Control': 'no-store' });
      res.end();
    } else {
      notFound(res, `no camera "${id}"`);
    }
    return;
  }
  const etag = etags.of(bytes);
  const headers = { 'Cache-Control': 'private, no-cache', ETag: etag };
  if (req.headers['if-none-match'] === etag) {
    // The page polls the edge map; an unchanged one costs a header, not 200 KB over Wi-Fi.
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': image.type, 'Content-Length': bytes.length });
  res.end(bytes);
}

/**
 * An ETag per image buffer: the daemon replaces the buffer when the picture changes. The random
 * part keeps a browser's copy from an earlier run of the daemon from matching a new picture.
 */
class ImageTags {
  readonly #tags = new WeakMap<Buffer, string>();
  readonly #run = randomBytes(4).toString('hex');
  #next = 0;

  of(bytes: Buffer): string {
    let tag = this.#tags.get(bytes);
    if (tag === undefined) {
      tag = `"${this.#run}-${(this.#next++).toString(36)}"`;
      this.#tags.set(bytes, tag);
    }
    return tag;
  }
}

/** The status without the MQTT password, should the broker URL carry one. */
function redacted(status: LiveStatus): LiveStatus {
  return { ...status, mqtt: { ...status.mqtt, url: withoutCredentials(status.mqtt.url) } };
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url; // not a URL (e.g. "embedded"): nothing to hide
  }
}

function notFound(res: ServerResponse, error: string): void {
  res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error }));
}
