import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The worker threads' memory: each thread is a V8 isolate of its own, and every package it loads
// costs it memory again. zod, the config's schema library, costs about 7 MB a thread (measured:
// 8.9 MB for an idle worker, 16.5 MB with zod imported), so the kernel and inference workers must
// not load it: their inputs are checked by the main thread. This walks the modules each worker
// loads, as TypeScript compiles them (type-only imports go, `verbatimModuleSyntax` as in
// tsconfig.json), and the dynamic imports of the model backends that the inference worker runs.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The module specifiers a source file loads when it runs: static imports and re-exports. */
function runtimeImports(file: string): string[] {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
    fileName: file,
  }).outputText;
  const found: string[] = [];
  for (const m of js.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm))
    found.push(m[1]!);
  return found;
}

/**
 * The packages (bare specifiers, with a file that imports each) that `entries` load, following
 * relative imports through src/; `files` collects the source files visited.
 */
function packagesLoaded(entries: readonly string[], files = new Set<string>()): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = entries.map((e) => resolve(SRC, e));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    files.add(file.slice(SRC.length + 1));
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, file);
    }
  }
  return packages;
}

describe('worker threads', () => {
  it('the kernel worker loads no schema library', () => {
    const packages = packagesLoaded(['chains/kernel-worker.ts']);
    expect([...packages.keys()].filter((p) => p.startsWith('zod'))).toEqual([]);
  });

  it('the inference worker loads no schema library, with either model backend', () => {
    const files = new Set<string>();
    const packages = packagesLoaded(['inference/worker.ts', 'inference/onnx.ts', 'inference/tfjs.ts'], files);
    expect([...packages.keys()].filter((p) => p.startsWith('zod'))).toEqual([]);
    // The walk goes all the way: through the engine to the decoders and the ONNX Runtime loader.
    expect(files).toContain('inference/engine.ts');
    expect(files).toContain('inference/decode/index.ts');
    expect(files).toContain('inference/onnx-runtime.ts');
  });

  it('the walk finds zod where it is loaded: the config schemas', () => {
    expect(packagesLoaded(['config/chain-schema.ts']).has('zod')).toBe(true);
  });
});
