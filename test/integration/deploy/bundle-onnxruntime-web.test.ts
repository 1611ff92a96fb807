// The linux-armv7 bundle keeps of onnxruntime-web only what Node loads (scripts/bundle/prune.ts).
// That build is WebAssembly, the same on every CPU, so the trimmed copy is checked here: it must
// still run the sign model as src/inference/onnx-runtime.ts loads it on a 32-bit ARM board.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneOnnxruntimeWeb } from '../../../scripts/bundle/prune.js';
import { loadModelPackage } from '../../../src/inference/model.js';
import { ROOT } from './helpers.js';

/** The shipped sign model's input side, from its manifest. */
const { width: SIGNS_WIDTH, height: SIGNS_HEIGHT } = (await loadModelPackage(join(ROOT, 'models/signs')))
  .manifest.input;

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
        `const images = new ort.Tensor('float32', new Float32Array(3 * ${SIGNS_WIDTH} * ${SIGNS_HEIGHT}).fill(0.5), [1, 3, ${SIGNS_HEIGHT}, ${SIGNS_WIDTH}]);`,
        'const { output0 } = await session.run({ images });',
        'console.log(JSON.stringify(output0.dims));',
      ].join('\n'),
    );
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script], { cwd: dir, timeout: 100_000 }, (err, out, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out),
      );
    });
    // The YOLOv8 head: 4 box rows and 10 scores, one column per cell of the stride 8, 16 and 32 grids.
    const cells = [8, 16, 32].reduce((n, stride) => n + (SIGNS_WIDTH / stride) * (SIGNS_HEIGHT / stride), 0);
    expect(JSON.parse(stdout)).toEqual([1, 14, cells]);
  });
});
