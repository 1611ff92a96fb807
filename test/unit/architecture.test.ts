import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import rules of docs/architecture.md, checked over every source file: a stage never imports
// another stage, the libraries and the ground floor import nothing above them.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

const GROUND = ['ground'];
const ALLOWED: Record<string, readonly string[]> = {
  api: ['*'],
  cli: ['*'],
  daemon: [
    'capture',
    'chains',
    'inference',
    'motion',
    'pipeline',
    'publish',
    'health',
    'web',
    'config',
    'kernels',
    ...GROUND,
  ],
  'model-tools': ['inference', 'onnx', 'kernels', ...GROUND],
  // The board checks reuse what each stage knows of the board (devices, programs, sensors, ports).
  doctor: ['capture', 'inference', 'publish', 'health', 'config', ...GROUND],
  capture: ['config', 'kernels', ...GROUND],
  chains: ['config', 'kernels', ...GROUND],
  inference: ['config', 'kernels', 'onnx', ...GROUND],
  motion: ['config', 'kernels', ...GROUND],
  pipeline: ['config', 'kernels', ...GROUND],
  publish: ['config', ...GROUND],
  health: ['config', ...GROUND],
  web: [...GROUND],
  config: ['kernels', ...GROUND],
  kernels: [...GROUND],
  onnx: [...GROUND],
  ground: [...GROUND],
};

/** The room a file under src/ belongs to. */
function roomOf(file: string): string {
  const path = relative(SRC, file).split('/');
  if (path.length === 1) {
    // The package's entry points: edgecam (index.ts) and edgecam/backend (backend.ts, for plug-ins).
    if (path[0] === 'index.ts' || path[0] === 'backend.ts') return 'api';
    if (path[0] === 'cli.ts') return 'cli';
    if (path[0] === 'daemon.ts') return 'daemon';
    return 'ground';
  }
  return path[0] === 'time' ? 'ground' : (path[0] ?? 'ground');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assembly' ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports (static, dynamic and re-exports) of one file, resolved to files under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1],
  );
  return specifiers.map((s) => resolve(dirname(file), s ?? ''));
}

describe('the rooms of src/', () => {
  const files = sourceFiles(SRC);

  it('knows every room', () => {
    const rooms = new Set(files.map(roomOf));
    expect([...rooms].filter((room) => !(room in ALLOWED))).toEqual([]);
  });

  it('imports only downwards: no stage imports another, libraries import only the ground floor', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = roomOf(file);
      const allowed = ALLOWED[from] ?? [];
      for (const target of importsOf(file)) {
        const to = roomOf(target);
        if (to !== from && !allowed.includes('*') && !allowed.includes(to)) {
          wrong.push(`${relative(SRC, file)} (${from}) imports ${relative(SRC, target)} (${to})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('catches a stage that imports another (the check itself)', () => {
    const publish = join(SRC, 'publish/publisher.ts');
    const pipeline = join(SRC, 'pipeline/index.ts');
    expect(ALLOWED[roomOf(publish)]).not.toContain(roomOf(pipeline));
    expect(roomOf(join(SRC, 'frame.ts'))).toBe('ground');
    expect(roomOf(join(SRC, 'time/clock.ts'))).toBe('ground');
  });
});

// onnxruntime-node has no build for 32-bit ARM: importing it there throws. So it is imported in one
// place, on first use (await import), and every command that runs no ONNX model works there.
// test/integration/cli-no-native-onnxruntime.test.ts runs the CLI that way.
const ORT_LOADER = 'inference/onnx-runtime.ts';

/** The lines of `text` that load an ONNX Runtime package: any import of one but `import type`. */
function ortLoads(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /['"]onnxruntime-(node|web)['"]/.test(line) && !/^\s*import\s+type\b/.test(line));
}

describe('ONNX Runtime', () => {
  it(`is loaded only by ${ORT_LOADER}, and there only on first use`, () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const loads = ortLoads(readFileSync(file, 'utf8'));
      const where = relative(SRC, file);
      // There: imported on first use, or its folder resolved (which loads nothing).
      const allowed =
        where === ORT_LOADER ? loads.filter((l) => !/await import\(|\.resolve\(/.test(l)) : loads;
      wrong.push(...allowed.map((line) => `${where}: ${line.trim()}`));
    }
    expect(wrong).toEqual([]);
  });

  it('tells a static import from a type-only one (the check itself)', () => {
    expect(ortLoads("import * as ort from 'onnxruntime-node';")).toHaveLength(1);
    expect(ortLoads("import type * as ort from 'onnxruntime-node';")).toEqual([]);
    expect(ortLoads("    ort = await import('onnxruntime-web');")).toHaveLength(1);
  });
});
