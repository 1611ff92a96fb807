import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { BundleTarget } from './targets.js';

/**
 * Trimming a staged install (`npm ci --omit=dev` for one target) to what edgecam runs on that
 * target: the packages it leaves out and what only they needed, other platforms' binaries, and files
 * no program loads (source maps, TypeScript sources and declarations, docs, packages' own tests).
 */

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * Removes the target's left-out packages from the staged package.json, with its scripts (they
 * build and test a checkout) and dev dependencies, so that a later `npm install NAME` on the board
 * adds NAME and does not bring back what was left out.
 */
export function leaveOut(stage: string, target: BundleTarget): void {
  const pkg = readPackageJson(stage);
  for (const { package: name } of target.leftOut) {
    delete pkg.dependencies?.[name];
    delete pkg.optionalDependencies?.[name];
  }
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

/**
 * Deletes every installed package that the staged package.json's dependencies do not reach (as
 * Node resolves them: the nearest node_modules up the tree), and @types/* packages, which only
 * TypeScript reads. Returns the deleted packages' paths relative to `stage`.
 */
export function removeUnreachable(stage: string): string[] {
  const reached = new Set<string>();
  const visit = (dir: string): void => {
    const pkg = readPackageJson(dir);
    const names = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    for (const name of names) {
      if (name.startsWith('@types/')) continue;
      // An optional dependency for another CPU (sharp's @img/sharp-darwin-arm64) is not installed.
      const found = resolvePackage(stage, dir, name);
      if (found === undefined || reached.has(found)) continue;
      reached.add(found);
      visit(found);
    }
  };
  visit(stage);
  const removed: string[] = [];
  for (const dir of installedPackages(join(stage, 'node_modules'))) {
    if (reached.has(dir) || !existsSync(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(relative(stage, dir));
  }
  return removed;
}

/** Where `name` required from the package in `from` resolves to, up to `stage`, or undefined. */
function resolvePackage(stage: string, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === stage) return undefined;
    // From node_modules/a/node_modules/b, the next place to look is node_modules/a.
    dir = dirname(dir);
    if (basename(dir) === 'node_modules') dir = dirname(dir);
    if (basename(dir).startsWith('@')) dir = dirname(dirname(dir));
    if (relative(stage, dir).startsWith('..')) return undefined;
  }
}

/** Every package folder under a node_modules folder, nested ones included. */
function installedPackages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const path = join(nodeModules, entry);
    const dirs = entry.startsWith('@') ? readdirSync(path).map((name) => join(path, name)) : [path];
    for (const dir of dirs) {
      found.push(dir, ...installedPackages(join(dir, 'node_modules')));
    }
  }
  return found;
}

/**
 * Keeps only the target's native binaries where a package ships every platform's:
 * onnxruntime-node's bin/napi-v6/<os>/<cpu>/ and classic-level's prebuilds/<os>-<cpu>/ (glibc).
 */
export function removeOtherPlatforms(stage: string, target: BundleTarget): void {
  const onnxBin = join(stage, 'node_modules/onnxruntime-node/bin/napi-v6');
  if (existsSync(onnxBin)) {
    for (const os of readdirSync(onnxBin)) {
      for (const cpu of readdirSync(join(onnxBin, os))) {
        if (os !== 'linux' || cpu !== target.cpu) rmSync(join(onnxBin, os, cpu), { recursive: true });
      }
    }
  }
  const prebuilds = join(stage, 'node_modules/classic-level/prebuilds');
  if (existsSync(prebuilds)) {
    for (const platform of readdirSync(prebuilds)) {
      const dir = join(prebuilds, platform);
      if (platform !== `linux-${target.cpu}`) rmSync(dir, { recursive: true });
      else for (const file of readdirSync(dir)) if (file.includes('.musl.')) rmSync(join(dir, file));
    }
  }
}

// What Node loads of onnxruntime-web: its "node" export and the WebAssembly build that imports
// (SIMD, threaded); the WebGPU (jsep), JSPI, asyncify and browser bundles are for browsers.
const ONNXRUNTIME_WEB_DIST = new Set([
  'ort.node.min.mjs',
  'ort.node.min.js',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
]);

/** Deletes the files of onnxruntime-web (in `dir`) that Node never loads. */
export function pruneOnnxruntimeWeb(dir: string): void {
  const dist = join(dir, 'dist');
  if (!existsSync(dist)) return;
  for (const file of readdirSync(dist)) {
    if (!ONNXRUNTIME_WEB_DIST.has(file)) rmSync(join(dist, file), { recursive: true });
  }
}

// A package's own tests, docs and examples, at its top level.
const UNUSED_DIRS = new Set([
  'test',
  'tests',
  '__tests__',
  'docs',
  'doc',
  'example',
  'examples',
  'benchmark',
]);
const UNUSED_FILE = /\.(map|ts|mts|cts|md|markdown)$/;
const KEPT_FILE = /^(licen[cs]e|copying|notice)/i;

/**
 * Deletes what no program loads from every package under `nodeModules`: source maps, TypeScript
 * (sources and declarations), Markdown (licences kept), and top-level test, docs and example folders.
 */
export function removeDevFiles(nodeModules: string): void {
  for (const pkg of installedPackages(nodeModules)) {
    for (const entry of readdirSync(pkg)) {
      if (UNUSED_DIRS.has(entry) && statSync(join(pkg, entry)).isDirectory()) {
        rmSync(join(pkg, entry), { recursive: true });
      }
    }
  }
  removeFiles(nodeModules, (name) => UNUSED_FILE.test(name) && !KEPT_FILE.test(name));
}

/** Deletes the files under `dir` whose name `unused` accepts, then the folders left empty. */
export function removeFiles(dir: string, unused: (name: string) => boolean): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      removeFiles(path, unused);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (entry.isFile() && unused(entry.name)) {
      rmSync(path);
    }
  }
}

/** Deletes the links in node_modules/.bin folders whose package was removed. */
export function removeDanglingBins(nodeModules: string): void {
  const folders = [nodeModules, ...installedPackages(nodeModules).map((pkg) => join(pkg, 'node_modules'))];
  for (const bin of folders.map((folder) => join(folder, '.bin')).filter((bin) => existsSync(bin))) {
    for (const name of readdirSync(bin)) {
      const link = join(bin, name);
      if (lstatSync(link).isSymbolicLink() && !existsSync(link)) rmSync(link);
    }
  }
}
