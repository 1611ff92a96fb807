// After tsc: copies the non-TypeScript files the compiled code loads at run time (the wasm
// kernel module, payload schemas) from src/ to the same place under dist/, so import.meta.url finds them there.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
// The payload JSON Schemas ship too (src/publish/schemas/*.schema.json), and the live view's
// page, styles and browser script (src/web/page/).
const ASSET = /\.wasm$|\.schema\.json$|[\\/]web[\\/]page[\\/][^\\/]+\.(html|css|js)$/;

let copied = 0;
for (const file of walk(src)) {
  if (!ASSET.test(file)) continue;
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied++;
}
console.log(`copy-assets: ${copied} file(s) from src/ to dist/`);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // The AssemblyScript sources compile to the committed .wasm; they never ship.
    if (entry.isDirectory() && path !== join(src, 'kernels/wasm/assembly')) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
