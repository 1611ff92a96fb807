// Compiles the AssemblyScript kernels (src/kernels/wasm/assembly/) into the committed module
// src/kernels/wasm/generated/kernels.wasm, and records a hash of the sources and of the
// module in kernels.build.json so a test can tell when one was edited without the other.
// Run after editing the sources: npm run build:wasm. The normal build and tests never run asc.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'src/kernels/wasm/assembly');
const outDir = join(root, 'src/kernels/wasm/generated');
const wasmFile = join(outDir, 'kernels.wasm');
// --runtime stub: the module never allocates (the host lays out memory), so no GC is needed.
const flags = ['--enable', 'simd', '-O3', '--noAssert', '--runtime', 'stub', '--initialMemory', '1'];

// Biome cannot parse AssemblyScript's @inline decorator, so the sources carry none and Binaryen
// inlines the per-16-pixel helpers (storeBytes, gradient) here instead, with a raised size limit.
const inlineFlags = [
  '--enable-simd',
  '--enable-bulk-memory',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-mutable-globals',
  '-O3',
  '--always-inline-max-function-size',
  '400',
];

const require = createRequire(import.meta.url);
const ascVersion = require('assemblyscript/package.json').version;
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin/asc.js');
const wasmOpt = join(dirname(require.resolve('binaryen/package.json')), 'bin/wasm-opt');

mkdirSync(outDir, { recursive: true });
execFileSync(process.execPath, [asc, join(sourceDir, 'index.ts'), '-o', wasmFile, ...flags], {
  stdio: 'inherit',
  cwd: root,
});
execFileSync(process.execPath, [wasmOpt, wasmFile, '-o', wasmFile, ...inlineFlags], {
  stdio: 'inherit',
  cwd: root,
});

const record = {
  sources: hashSources(sourceDir),
  wasm: createHash('sha256').update(readFileSync(wasmFile)).digest('hex'),
  assemblyscript: ascVersion,
  flags,
  wasmOpt: inlineFlags,
};
writeFileSync(join(outDir, 'kernels.build.json'), `${JSON.stringify(record, null, 2)}\n`);
console.log(
  `wrote ${wasmFile} (${readFileSync(wasmFile).length} bytes), sources ${record.sources.slice(0, 12)}`,
);

/** sha256 over every source file's name and bytes, in name order (test/unit/kernels/fast-build.test.ts repeats it). */
function hashSources(dir) {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(`${name}\n`);
    // Line endings normalised so a Windows checkout (autocrlf) hashes the same.
    hash.update(readFileSync(join(dir, name), 'utf8').replace(/\r\n/g, '\n'));
  }
  return hash.digest('hex');
}
