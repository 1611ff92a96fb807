// scripts/build-stamp.mjs on a project tree of its own: what makes `npm start` build, and what lets
// it skip the build.
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildInputsHash,
  buildState,
  removeStamp,
  STAMP_FILE,
  writeStamp,
} from '../../../scripts/build-stamp.mjs';

let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** What a build leaves: dist/cli.js and the stamp of the inputs as they are now. */
function built(): void {
  write('dist/cli.js', '// built\n');
  writeStamp(root, buildInputsHash(root));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'edgecam-build-stamp-'));
  write('package.json', '{"name":"edgecam"}\n');
  write('tsconfig.json', '{}\n');
  write('tsconfig.build.json', '{}\n');
  write('scripts/build.mjs', '// build\n');
  write('scripts/copy-assets.mjs', '// assets\n');
  write('src/cli.ts', 'export const a = 1;\n');
  write('src/web/page/index.html', '<html></html>\n');
  write('src/kernels/wasm/assembly/simd.ts', '// compiles to the committed .wasm\n');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the build stamp', () => {
  it('says a tree never built is not current, and one just built is', () => {
    expect(buildState(root)).toEqual({ current: false, reason: 'dist/ has not been built yet' });
    built();
    expect(buildState(root)).toEqual({ current: true, reason: 'dist/ is up to date' });
  });

  it('is stale once a source changes, is added, is renamed or is deleted', () => {
    const changes: (() => void)[] = [
      () => write('src/cli.ts', 'export const a = 2;\n'),
      () => write('src/new.ts', 'export {};\n'),
      () => renameSync(join(root, 'src/cli.ts'), join(root, 'src/main.ts')),
      () => rmSync(join(root, 'src/web/page/index.html')),
    ];
    for (const change of changes) {
      built();
      change();
      expect(buildState(root)).toEqual({
        current: false,
        reason: 'src/ or the build config changed since the last build',
      });
    }
  });

  it('is stale once the build config, the build scripts or the compiler version change', () => {
    const changes: (() => void)[] = [
      () => write('tsconfig.json', '{"compilerOptions":{}}\n'),
      () => write('tsconfig.build.json', '{"include":["src"]}\n'),
      () => write('package.json', '{"name":"edgecam","type":"module"}\n'),
      () => write('package.json', '{"name":"edgecam","imports":{"#x":"./src/cli.js"}}\n'),
      () => write('scripts/copy-assets.mjs', '// more assets\n'),
      () => write('node_modules/typescript/package.json', '{"version":"5.9.3"}\n'),
    ];
    for (const change of changes) {
      built();
      change();
      expect(buildState(root).current).toBe(false);
    }
  });

  it('stays current when only mtimes change (a touch, a checkout of the same content)', () => {
    built();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/cli.ts'), later, later);
    expect(buildState(root).current).toBe(true);
  });

  it('stays current when package.json changes only in what tsc does not read (a script, a dependency)', () => {
    built();
    write('package.json', '{"name":"edgecam","scripts":{"start":"node x"},"dependencies":{"pino":"10"}}\n');
    expect(buildState(root).current).toBe(true);
  });

  it('ignores the AssemblyScript sources, which the build neither compiles nor copies', () => {
    built();
    write('src/kernels/wasm/assembly/simd.ts', '// edited\n');
    expect(buildState(root).current).toBe(true);
  });

  it('is not current when dist/cli.js is gone, even with the stamp in place', () => {
    built();
    rmSync(join(root, 'dist/cli.js'));
    expect(buildState(root).current).toBe(false);
  });

  it('is not current after a build began and did not finish, even once the sources are back as they were', () => {
    built();
    write('src/cli.ts', 'export const a = 2;\n');
    // What scripts/build.mjs does before tsc writes into dist/; tsc then fails or is stopped.
    removeStamp(root);
    write('src/cli.ts', 'export const a = 1;\n');
    expect(buildState(root)).toEqual({
      current: false,
      reason: 'dist/ has no record of a build that finished',
    });
  });

  it('keeps the stamp inside dist/, so that deleting dist/ forgets it', () => {
    expect(STAMP_FILE.startsWith('dist')).toBe(true);
    built();
    rmSync(join(root, 'dist'), { recursive: true });
    expect(buildState(root).current).toBe(false);
  });
});
