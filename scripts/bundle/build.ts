import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diskUsage } from './disk-usage.js';
import {
  leaveOut,
  pruneOnnxruntimeWeb,
  removeDanglingBins,
  removeDevFiles,
  removeFiles,
  removeOtherPlatforms,
  removeUnreachable,
} from './prune.js';
import type { BundleTarget } from './targets.js';

/** A bundle written to disk, with what it weighs packed and unpacked. */
export interface BuiltBundle {
  readonly file: string;
  /** The .tar.gz file's size. */
  readonly packedBytes: number;
  /** The unpacked tree on disk, as deploy/install.sh puts it in /opt/edgecam. */
  readonly installedBytes: number;
}

/** What deploy/install.sh reads from bundle.json: which board the bundle is for. */
export interface BundleManifest {
  readonly name: 'edgecam';
  readonly version: string;
  readonly target: string;
  readonly os: 'linux';
  /** Node's process.arch on the board. */
  readonly cpu: string;
  readonly libc: 'glibc';
  readonly leftOut: BundleTarget['leftOut'];
}

/**
 * Builds edgecam-<version>-<target>.tar.gz in `outDir` from the checkout at `root` (dist/ built):
 * the package as npm publishes it, its production dependencies with the target's native binaries
 * only, trimmed, and a bundle.json that deploy/install.sh --bundle checks against the board.
 * Needs the npm registry or npm's cache, and `tar`.
 */
export function buildBundle(
  root: string,
  target: BundleTarget,
  outDir: string,
  log: (line: string) => void,
): BuiltBundle {
  if (!existsSync(join(root, 'dist/cli.js'))) {
    throw new Error(`${join(root, 'dist/cli.js')} is missing: run npm run build first (npm run bundle does)`);
  }
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  const name = `edgecam-${version}-${target.name}`;
  const work = mkdtempSync(join(tmpdir(), 'edgecam-bundle-'));
  try {
    const stage = join(work, name);
    stageInstall(root, stage, target, log);
    trim(stage, target, log);
    const manifest: BundleManifest = {
      name: 'edgecam',
      version,
      target: target.name,
      os: 'linux',
      cpu: target.cpu,
      libc: 'glibc',
      leftOut: target.leftOut,
    };
    writeFileSync(join(stage, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const installedBytes = diskUsage(stage);
    mkdirSync(outDir, { recursive: true });
    const file = join(resolve(outDir), `${name}.tar.gz`);
    // Owned by root and in name order, so that the same tree gives the same archive.
    execFileSync('tar', [
      '-czf',
      file,
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      work,
      name,
    ]);
    return { file, packedBytes: statSync(file).size, installedBytes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Stages what deploy/install.sh installs without a bundle: the packed package and `npm ci
 * --omit=dev`, here for the target's CPU (npm picks sharp's @img packages by --cpu and --libc) and
 * without install scripts, which would build or download for this machine, not the board.
 */
export function stageInstall(
  root: string,
  stage: string,
  target: BundleTarget,
  log: (line: string) => void,
): void {
  const started = Date.now();
  const step = (what: string) =>
    log(`bundle ${target.name}: ${what} (${Math.round((Date.now() - started) / 1000)} s)`);
  mkdirSync(stage, { recursive: true });
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', stage], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .at(-1);
  const tgz = join(stage, packed ?? '');
  execFileSync('tar', ['-xzf', tgz, '-C', stage, '--strip-components=1', '--no-same-owner']);
  rmSync(tgz);
  copyFileSync(join(root, 'package-lock.json'), join(stage, 'package-lock.json'));
  step('packed');
  execFileSync(
    'npm',
    [
      'ci',
      '--omit=dev',
      `--cpu=${target.cpu}`,
      '--os=linux',
      '--libc=glibc',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  step(`production dependencies installed for linux/${target.cpu}`);
  // onnxruntime-node-install-cuda=skip, for whoever runs npm install on the board later (copied
  // after npm ci, which would only warn that it does not know the setting).
  if (existsSync(join(root, '.npmrc'))) copyFileSync(join(root, '.npmrc'), join(stage, '.npmrc'));
}

function trim(stage: string, target: BundleTarget, log: (line: string) => void): void {
  leaveOut(stage, target);
  const removed = removeUnreachable(stage);
  log(`bundle ${target.name}: left out ${removed.length} packages: ${removed.map(shortName).join(', ')}`);
  removeOtherPlatforms(stage, target);
  pruneOnnxruntimeWeb(join(stage, 'node_modules/onnxruntime-web'));
  removeDevFiles(join(stage, 'node_modules'));
  removeDanglingBins(join(stage, 'node_modules'));
  // Both lockfiles describe the tree before it was trimmed.
  rmSync(join(stage, 'package-lock.json'));
  rmSync(join(stage, 'node_modules/.package-lock.json'), { force: true });
  // edgecam's own source maps and declarations (for a library user on a dev machine).
  removeFiles(join(stage, 'dist'), (file) => /\.(map|d\.ts)$/.test(file));
  // The training code of the shipped models (Python, for a dev machine with PyTorch).
  for (const model of readdirSync(join(stage, 'models'), { withFileTypes: true })) {
    if (model.isDirectory())
      rmSync(join(stage, 'models', model.name, 'train'), { recursive: true, force: true });
  }
}

function shortName(path: string): string {
  return path.replace(/^.*node_modules\//, '');
}
