import { readFileSync } from 'node:fs';

/**
 * The live view's static files (src/web/page/, copied to dist/web/page/ by
 * scripts/copy-assets.mjs): read once when the live view is attached, never per request, and
 * nothing fetched from elsewhere, so the page works on a board with no internet.
 */

export interface PageAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The URL path each file is served at, with its content type. */
const FILES = {
  '/': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/live-view.css': { file: 'live-view.css', contentType: 'text/css; charset=utf-8' },
  '/live-view.js': { file: 'live-view.js', contentType: 'text/javascript; charset=utf-8' },
  '/mjpeg-reader.js': { file: 'mjpeg-reader.js', contentType: 'text/javascript; charset=utf-8' },
  '/overlays.js': { file: 'overlays.js', contentType: 'text/javascript; charset=utf-8' },
} as const;

/**
 * Reads the page's files, keyed by the path they are served at.
 * @example loadPageAssets().get('/')?.contentType // 'text/html; charset=utf-8'
 */
export function loadPageAssets(): Map<string, PageAsset> {
  const assets = new Map<string, PageAsset>();
  for (const [path, { file, contentType }] of Object.entries(FILES)) {
    assets.set(path, { body: readFileSync(new URL(`./page/${file}`, import.meta.url)), contentType });
  }
  return assets;
}
