// What a board installs, per target: /opt/edgecam as deploy/install.sh leaves it without a bundle
// (the package and `npm ci --omit=dev`, measured here for that CPU) and from a bundle, with the
// bundle's own size. npm run bench:bundle [-- linux-arm64 ...]; needs the npm registry or its cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, stageInstall } from '../scripts/bundle/build.js';
import { diskUsage, mebibytes } from '../scripts/bundle/disk-usage.js';
import { INSTALLED_BEFORE, INSTALLED_GOAL } from '../scripts/bundle/reference.js';
import { findTarget, TARGETS } from '../scripts/bundle/targets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = process.argv.slice(2);
const targets = names.length > 0 ? names.map(findTarget) : TARGETS;
const quiet = () => {};

const rows: string[][] = [];
for (const target of targets) {
  const work = mkdtempSync(join(tmpdir(), 'edgecam-bench-bundle-'));
  try {
    stageInstall(root, join(work, 'plain'), target, quiet);
    const before = diskUsage(join(work, 'plain'));
    rmSync(join(work, 'plain'), { recursive: true });
    const built = buildBundle(root, target, work, quiet);
    rows.push([
      target.name,
      mebibytes(before),
      mebibytes(built.packedBytes),
      mebibytes(built.installedBytes),
    ]);
    console.log(`bench:bundle ${target.name}: done`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const header = ['target', 'installed without a bundle', 'bundle (.tar.gz)', 'installed from the bundle'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => c.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();
console.log(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
for (const row of rows) console.log(line(row));
console.log(
  `\nreference: ${INSTALLED_BEFORE} installed without a bundle (du -sh /opt/edgecam, x64, before onnxruntime-web); ` +
    `goal: a linux-arm64 install under ${INSTALLED_GOAL}`,
);
