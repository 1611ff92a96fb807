// Builds a bundle for a board: npm run bundle -- --target linux-arm64 [--out DIR]
// writes edgecam-<version>-<target>.tar.gz, which deploy/install.sh --bundle FILE installs with
// no npm registry; prints its size and the installed size next to the install without a bundle.

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBundle } from './bundle/build.js';
import { mebibytes } from './bundle/disk-usage.js';
import { INSTALLED_BEFORE, INSTALLED_GOAL } from './bundle/reference.js';
import { findTarget, TARGETS } from './bundle/targets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = `usage: npm run bundle -- --target ${TARGETS.map((t) => t.name).join('|')} [--out DIR]`;

try {
  const { values } = parseArgs({
    options: { target: { type: 'string' }, out: { type: 'string', default: root } },
  });
  if (values.target === undefined) throw new Error(`--target is missing\n${usage}`);
  const target = findTarget(values.target);
  const built = buildBundle(root, target, values.out, (line) => console.log(line));
  console.log(
    `${built.file}\n  ${mebibytes(built.packedBytes)} to copy, ${mebibytes(built.installedBytes)} installed ` +
      `(installed without a bundle: ${INSTALLED_BEFORE}; goal: under ${INSTALLED_GOAL})`,
  );
} catch (err) {
  console.error(`bundle: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
