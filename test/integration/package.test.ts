import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import './cli-helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs an ES module snippet in a child node inside the package, so `import 'edgecam'` resolves via "exports". */
function runModule(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { cwd: root }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || String(err))) : resolve(stdout),
    );
  });
}

describe("the package as a library: import { ... } from 'edgecam'", () => {
  it('exposes the kernel engine from the built package', async () => {
    const out = await runModule(`
      import { conv1d, conv2d, kernels, outputSize, resolveKernel, EdgecamError } from 'edgecam';
      const farmer = Array.from(conv1d([1, 2, 3, 4, 5], [2, 3, 4], { padding: 'full' }));
      const img = { width: 3, height: 3, channels: 1, data: new Uint8Array([0, 0, 9, 0, 0, 9, 0, 0, 9]) };
      const edge = conv2d(img, resolveKernel('sobel-left'), { padding: 'valid' });
      let error = '';
      try { outputSize(10, 3, 0, 2); } catch (e) { error = e instanceof EdgecamError ? e.code : 'other'; }
      console.log(JSON.stringify({ farmer, edge: Array.from(edge.data), n: kernels.length, six: outputSize(13, 3, 0, 2), error }));
    `);
    const result = JSON.parse(out);
    expect(result.farmer).toEqual([2, 7, 16, 25, 34, 31, 20]);
    // sobel-left under convolve: brighter to the right gives a positive response, 1*9 + 2*9 + 1*9.
    expect(result.edge).toEqual([36]);
    expect(result.n).toBeGreaterThanOrEqual(13);
    expect(result.six).toBe(6);
    expect(result.error).toBe('EDGECAM_ERR_OUTPUT_SIZE');
  });

  it('runs plans on WebAssembly SIMD from the built package (the .wasm is shipped in dist/)', async () => {
    const out = await runModule(`
      import { createEdgePlan, createFilterPlan, resolveKernel } from 'edgecam';
      const shape = { width: 32, height: 8, channels: 1 };
      const frame = { ...shape, data: new Uint8Array(256).map((_, i) => (i % 32 < 16 ? 0 : 200)) };
      const blur = createFilterPlan(resolveKernel('box3'), shape);
      const edges = createEdgePlan(shape, { norm: 'L1' });
      const map = edges.run(frame);
      console.log(JSON.stringify({ engines: [blur.engine, edges.engine], row: Array.from(map.data.subarray(32 * 4 + 14, 32 * 4 + 18)) }));
    `);
    const result = JSON.parse(out);
    expect(result.engines).toEqual(['wasm-simd', 'wasm-simd']);
    // A 0 -> 200 step between columns 15 and 16: |gx| = 4 * 200, clamped to 255, on both sides of it.
    expect(result.row).toEqual([0, 255, 255, 0]);
  });
});
