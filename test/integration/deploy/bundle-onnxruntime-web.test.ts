// The linux-armv7 bundle keeps of onnxruntime-web only what Node loads (scripts/bundle/prune.ts).
// That build is WebAssembly, the same on every CPU, so the trimmed copy is checked here: it must
// still run the sign model as src/inference/onnx-runtime.ts loads it on a 32-bit ARM board.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneOnnxruntimeWeb } from '../../../scripts/bundle/prune.js';
import { ROOT } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-ort-web-'));
  await mkdir(join(dir, 'node_modules'));
  await cp(join(ROOT, 'node_modules/onnxruntime-web'), join(dir, 'node_modules/onnxruntime-web'), {
    recursive: true,
  });
  await symlink(join(ROOT, 'node_modules/onnxruntime-common'), join(dir, 'node_modules/onnxruntime-common'));
  pruneOnnxruntimeWeb(join(dir, 'node_modules/onnxruntime-web'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the armv7 bundle's onnxruntime-web", () => {
  it('keeps its Node build and the WebAssembly module that imports, nothing else from dist/', async () => {
    expect((await readdir(join(dir, 'node_modules/onnxruntime-web/dist'))).sort()).toEqual([
      'ort-wasm-simd-threaded.mjs',
      'ort-wasm-simd-threaded.wasm',
      'ort.node.min.js',
      'ort.node.min.mjs',
    ]);
  });

  it('still runs the sign model', async () => {
    const script = join(dir, 'run.mjs');
    await writeFile(
      script,
      [
        "import { readFileSync } from 'node:fs';",
        "import * as ort from 'onnxruntime-web';",
        'ort.env.wasm.numThreads = 2;',
        `const session = await ort.InferenceSession.create(readFileSync(${JSON.stringify(join(ROOT, 'models/signs/model.int8.onnx'))}));`,
        "const images = new ort.Tensor('float32', new Float32Array(3 * 320 * 320).fill(0.5), [1, 3, 320, 320]);",
        'const { output0 } = await session.run({ images });',
        'console.log(JSON.stringify(output0.dims));',
      ].join('\n'),
    );
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { cwd: dir, timeout: 100_000 }, (err, out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out),
      );
    });
    const dims = JSON.parse(stdout) as number[];
    expect(dims[0]).toBe(1);
    expect(dims.length).toBe(3);
  });
});
