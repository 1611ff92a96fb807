// Copies the non-TypeScript files the compiled code loads at run time (the wasm kernel module,
// payload schemas) from src/ to the same place under dist/, so import.meta.url finds them there.
// scripts/build.mjs runs it after tsc.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// The payload JSON Schemas ship too (src/publish/schemas/*.schema.json), and the live view's
// page, styles and browser script (src/web/page/).
const ASSET = /\.wasm$|\.schema\.json$|[\\/]web[\\/]page[\\/][^\\/]+\.(html|css|js)$/;

/**
 * Copies every asset under `root`/src to `root`/dist; returns how many.
 * @example copyAssets('/work/edgecam') // 9
 */
export function copyAssets(root) {
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  let copied = 0;
  for (const file of walk(src, join(src, 'kernels/wasm/assembly'))) {
    if (!ASSET.test(file)) continue;
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    copied++;
  }
  return copied;
}

function* walk(dir, skip) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // The AssemblyScript sources compile to the committed .wasm; they never ship.
    if (entry.isDirectory() && path !== skip) yield* walk(path, skip);
    else if (entry.isFile()) yield path;
  }
}
