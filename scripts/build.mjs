// `npm run build` (node scripts/build.mjs): tsc, then the assets tsc does not copy, then dist/cli.js
// as one minified file (scripts/bundle-cli.mjs), then the stamp that lets `npm start` skip the
// build while nothing changed (scripts/build-stamp.mjs).
// `node scripts/build.mjs --if-stale` builds only when the stamp does not match the sources.
// tsc runs with --incremental (its state in dist/.tsbuildinfo): after a small change it rebuilds
// in about half the time of a full build.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildInputsHash, buildState, removeStamp, writeStamp } from './build-stamp.mjs';
import { bundleCli } from './bundle-cli.mjs';
import { copyAssets } from './copy-assets.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds dist/ under `root` (only when stale with `ifStale`); resolves with the exit code, 0 when
 * dist/ is current. Says what it does on stderr, so that stdout stays the daemon's.
 * @example process.exitCode = await build(ROOT, { ifStale: true })
 */
export async function build(root, { ifStale = false } = {}) {
  if (ifStale) {
    const state = buildState(root);
    if (state.current) return 0;
    process.stderr.write(`edgecam: building dist/ (${state.reason}) ...\n`);
  }
  const started = performance.now();
  const hash = buildInputsHash(root);
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  mkdirSync(join(root, 'dist'), { recursive: true });
  removeStamp(root);
  const code = await run(
    [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'],
    root,
  );
  if (code !== 0) {
    const what = code > 128 ? 'was stopped' : `failed (tsc exited ${code})`;
    process.stderr.write(`edgecam: the build ${what}; dist/ is not up to date\n`);
    return code;
  }
  const assets = copyAssets(root);
  let cliBytes;
  try {
    cliBytes = await bundleCli(root);
  } catch (err) {
    process.stderr.write(`edgecam: the build failed making dist/cli.js one file: ${err.message}\n`);
    return 1;
  }
  writeStamp(root, hash);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const cli = `one-file CLI of ${(cliBytes / 1e6).toFixed(1)} MB`;
  process.stderr.write(`edgecam: built dist/ (tsc, ${assets} asset file(s), ${cli}) in ${seconds} s\n`);
  return 0;
}

/**
 * Runs node `args` in `cwd`, its output on stderr; a SIGTERM or SIGINT meanwhile stops it too, so
 * that a stopped `npm start` leaves no compiler behind. Resolves with its exit code.
 */
function run(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 2, 2] });
    const forward = (signal) => child.kill(signal);
    process.on('SIGTERM', forward).on('SIGINT', forward);
    const done = (code) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      resolve(code);
    };
    child.on('exit', (code, signal) => done(code ?? 128 + (signal === 'SIGINT' ? 2 : 15)));
    child.on('error', (err) => {
      process.stderr.write(`edgecam: cannot run ${args[0]}: ${err.message}\n`);
      done(1);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await build(ROOT, { ifStale: process.argv.includes('--if-stale') });
}
