// Whether dist/ was built from the sources as they are now: a SHA-256 of every build input (the
// files under src/ that tsc or copy-assets read, the tsconfigs, package.json's `type` and
// `imports`, the build scripts, the compiler's version, and the lockfile, since dist/cli.js holds
// the packages it bundles), recorded in dist/.build-stamp after a build that succeeded.
// A content hash, not mtimes: a `git checkout` of an older branch, a renamed or a deleted file all
// change it, and reading ~250 small files takes a few ms, against ~3 s for a no-op `tsc --incremental`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Where the stamp lives: inside dist/, so deleting dist/ also forgets it. */
export const STAMP_FILE = join('dist', '.build-stamp');
/** The file `npm start` runs; a stamp without it is no build. */
const ENTRY = join('dist', 'cli.js');
/** What the build reads besides src/ (paths relative to the project root). */
const CONFIG_INPUTS = [
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.mjs',
  'scripts/copy-assets.mjs',
  'scripts/bundle-cli.mjs',
  'package-lock.json',
];
/** tsconfig.build.json excludes these, and copy-assets skips them: they compile to a committed .wasm. */
const NOT_INPUTS = [join('src', 'kernels', 'wasm', 'assembly')];

/**
 * The hash of every build input under `root`, in a fixed order, each file's path included (so a
 * rename changes it).
 * @example buildInputsHash('/work/edgecam') // '9f86d0…'
 */
export function buildInputsHash(root) {
  const hash = createHash('sha256');
  const files = [...walk(root, join(root, 'src')), ...CONFIG_INPUTS.map((p) => join(root, p))];
  for (const file of files) {
    const path = relative(root, file).split(sep).join('/');
    hash.update(`${path}\0`);
    hash.update(existsSync(file) ? readFileSync(file) : '(missing)');
    hash.update('\0');
  }
  hash.update(`typescript ${compilerVersion(root)}\0`);
  hash.update(JSON.stringify(packageFields(root)));
  return hash.digest('hex');
}

/**
 * Whether dist/ is current for the sources under `root`, and if not, why (for the message that
 * says a build is coming).
 * @example buildState(root) // { current: false, reason: 'src/ or the build config changed since the last build' }
 */
export function buildState(root) {
  const stampFile = join(root, STAMP_FILE);
  if (!existsSync(join(root, ENTRY))) return { current: false, reason: 'dist/ has not been built yet' };
  if (!existsSync(stampFile)) {
    return { current: false, reason: 'dist/ has no record of a build that finished' };
  }
  if (readFileSync(stampFile, 'utf8').trim() !== buildInputsHash(root)) {
    return { current: false, reason: 'src/ or the build config changed since the last build' };
  }
  return { current: true, reason: 'dist/ is up to date' };
}

/** Records that dist/ was built from the inputs that hashed to `hash` (hashed before the build started). */
export function writeStamp(root, hash) {
  writeFileSync(join(root, STAMP_FILE), `${hash}\n`);
}

/**
 * The fields of package.json that change what tsc emits: `type` (ES modules or CommonJS) and
 * `imports`. Not the rest: editing a script or a dependency does not make `npm start` rebuild.
 */
function packageFields(root) {
  const file = join(root, 'package.json');
  if (!existsSync(file)) return {};
  const { type, imports } = JSON.parse(readFileSync(file, 'utf8'));
  return { type, imports };
}

/**
 * Forgets the last build, before a new one writes into dist/: a build that fails or is stopped may
 * have rewritten some files, and must not leave a stamp that the old sources would match again.
 */
export function removeStamp(root) {
  rmSync(join(root, STAMP_FILE), { force: true });
}

/** TypeScript's version: a new compiler may emit other JavaScript from the same sources. */
function compilerVersion(root) {
  const manifest = join(root, 'node_modules', 'typescript', 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : 'none';
}

/** Every file under `dir` but NOT_INPUTS, sorted, so that the hash does not depend on readdir's order. */
function walk(root, dir) {
  if (!existsSync(dir)) return [];
  const files = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_INPUTS.includes(relative(root, path))) files.push(...walk(root, path));
    } else if (entry.isFile()) files.push(path);
  }
  return files;
}
