import { describe, expect, it } from 'vitest';
import { cameraChains, chainFor, loadConfig, resolveChain } from '../../../src/config/index.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import { fixture, problemAt, problemsIn } from './fixtures.js';

describe('kernel chains at load', () => {
  it('report an unknown kernel name with the library suggestion', async () => {
    expect(problemAt(await problemsIn('unknown-kernel.yaml'), 'kernels.chains.blur[0].kernel')).toMatchObject(
      {
        value: 'gausian5',
        message: 'no kernel named "gausian5" in the library',
        fix: 'did you mean "gaussian5"? (edgecam kernel list shows every kernel)',
        line: 4,
      },
    );
  });

  it('report ragged inline weights with the row that differs', async () => {
    const problem = problemAt(
      await problemsIn('ragged-weights.yaml'),
      'kernels.chains.custom[0].kernel.weights',
    );
    expect(problem.message).toBe(
      "Expected every row of kernel 'ridge' to have 3 values (like row 0) but row 1 has 2",
    );
    expect(problem.fix).toBe('make the rows the same length');
  });

  it('report a stride that does not fit the camera, naming camera, chain, step and numbers', async () => {
    const problems = await problemsIn('impossible-stride.yaml');
    expect(problems).toHaveLength(1);
    const problem = problemAt(problems, 'kernels.chains.half[0]');
    expect(problem.message).toContain(
      'camera "porch" (640x480) cannot run chain "half": step 0 (box3 3x3, padding valid, stride 2)',
    );
    expect(problem.message).toContain('= 319.5 is not whole (I=640, F=3, P=0, S=2)');
    expect(problem.fix).toBe('try stride S=1 in kernels.chains.half[0], or change cameras[0].width/height');
    expect(problem.line).toBe(5);
  });

  it('accept the same chain on a camera whose size fits it', async () => {
    const problems = await problemsIn('impossible-stride.yaml', {
      overrides: { 'cameras.0.width': 641, 'cameras.0.height': 481 },
    });
    expect(problems).toEqual([]);
  });

  it('check a chain step by step: the second step sees the first step output size', async () => {
    const steps = [
      { kernel: 'box3', padding: 'valid' },
      { kernel: 'box3', padding: 'valid', stride: 2 },
    ];
    // 641 -> 639 -> (639 - 3) / 2 + 1 = 319; a stride-2 first step would have left 320 -> 159.5.
    const fits = await problemsIn('empty.yaml', {
      overrides: { cameras: [{ id: 'a', source: { kind: 'v4l2' }, width: 641, height: 481, edges: steps }] },
    });
    expect(fits).toEqual([]);
    const problems = await problemsIn('empty.yaml', {
      overrides: { cameras: [{ id: 'a', source: { kind: 'v4l2' }, width: 640, height: 481, edges: steps }] },
    });
    const problem = problemAt(problems, 'cameras[0].edges[1]');
    expect(problem.message).toContain('camera "a" (640x481) cannot run its edges steps: step 1');
    expect(problem.message).toContain('gets a 638x479 input');
    expect(problem.origin).toBe('override cameras');
  });

  it("report 'same' padding with an even kernel, explicit or by default", async () => {
    expect(problemAt(await problemsIn('even-same.yaml'), 'kernels.chains.diff[0].padding')).toMatchObject({
      message: `padding 'same' needs an odd kernel size, but kernel "inline" is 2x2`,
      fix: 'set padding to valid, full or a whole number, or use an odd-sized kernel (3x3, 5x5, ...)',
    });
    const problems = await problemsIn('empty.yaml', {
      overrides: { 'kernels.chains.diff': [{ kernel: { weights: [[1, -1]] } }] },
    });
    expect(problemAt(problems, 'kernels.chains.diff[0].padding').message).toBe(
      `padding 'same' (the default) needs an odd kernel size, but kernel "inline" is 2x1`,
    );
  });

  it('report a chain name a camera references that does not exist', async () => {
    expect(problemAt(await problemsIn('missing-chain.yaml'), 'cameras[0].preprocess')).toMatchObject({
      value: 'denoize',
      message: 'no chain named "denoize" in kernels.chains',
      fix: 'did you mean "denoise"?',
    });
  });

  it('say when a missing chain is referenced by the defaults, not by the file', async () => {
    const problems = await problemsIn('own-chains.yaml');
    const fix = (name: string) =>
      `the default camera uses the default chains: keep a chain named "${name}" under kernels.chains, or list your own cameras`;
    expect(problems.map((p) => [p.path, p.origin, p.fix])).toEqual([
      ['cameras[0].preprocess', 'the defaults (config/default.yaml)', fix('denoise')],
      ['cameras[0].edges', 'the defaults (config/default.yaml)', fix('edges')],
    ]);
  });

  it('narrow a bad step to the kind it was meant as', async () => {
    const problems = await problemsIn('empty.yaml', {
      overrides: {
        'kernels.chains.x': [
          { kernel: 'box3', stide: 2 },
          { edges: 'L3' },
          { kernel: 'box3', padding: 'sme' },
          7,
        ],
        'cameras.0.edges': 'x',
      },
    });
    expect(problems.map((p) => [p.path, p.message, p.fix])).toEqual([
      ['kernels.chains.x[0].stide', 'unknown key', 'did you mean "stride"?'],
      ['kernels.chains.x[1].edges', 'not one of L1, L2', 'did you mean "L1"?'],
      [
        'kernels.chains.x[2].padding',
        'expected valid, same, full or a whole number >= 0, received a string',
        'did you mean "same"?',
      ],
      [
        'kernels.chains.x[3]',
        'expected a step: { kernel: <name or weights>, ... } or { edges: L1 | L2 }, received a number',
        'write a step: { kernel: <name or weights>, ... } or { edges: L1 | L2 }',
      ],
    ]);
  });
});

describe('resolveChain', () => {
  it('builds kernels and fills in every default', async () => {
    const config = await loadConfig({ file: fixture('layers.yaml'), env: {} });
    const [blur, edges] = resolveChain(chainFor(config, 'edges')!);
    expect(blur).toEqual({
      kind: 'kernel',
      kernel: resolveKernel('gaussian5'),
      options: { mode: 'convolve', padding: 'same', border: 'zero', stride: 1 },
      policy: { kind: 'clamp' },
    });
    expect(edges).toEqual({ kind: 'edges', options: { norm: 'L1' } });
  });

  it('keeps the options and output policy a step sets, and names inline kernels', () => {
    const steps = resolveChain([
      {
        kernel: { name: 'ridge', weights: [[1, 2, 1]] },
        mode: 'correlate',
        padding: 1,
        border: 'reflect',
        stride: 2,
        output: { scale: 0.5, offset: 128 },
      },
      { kernel: { weights: [[1], [2], [1]], normalize: true }, output: 'abs' },
      { edges: 'L2', threshold: 64 },
    ]);
    expect(steps[0]).toMatchObject({
      kernel: { name: 'ridge', width: 3, height: 1 },
      options: { mode: 'correlate', padding: 1, border: 'reflect', stride: 2 },
      policy: { kind: 'scale', scale: 0.5, offset: 128 },
    });
    expect(steps[1]).toMatchObject({
      kernel: { name: 'inline', width: 1, height: 3 },
      policy: { kind: 'abs' },
    });
    expect(Array.from((steps[1] as { kernel: { weights: Float32Array } }).kernel.weights)).toEqual([
      0.25, 0.5, 0.25,
    ]);
    expect(steps[2]).toEqual({ kind: 'edges', options: { norm: 'L2', threshold: 64 } });
  });

  it("compiles a camera's named and inline chains", async () => {
    const config = await loadConfig({ file: fixture('layers.yaml'), env: {} });
    const front = cameraChains(config, config.cameras[0]!);
    expect(front.preprocess?.map((s) => s.kind)).toEqual(['kernel']);
    expect(front.edges).toBeUndefined();
    const back = cameraChains(config, config.cameras[1]!);
    expect(back.preprocess).toBeUndefined();
    expect(back.edges?.map((s) => (s.kind === 'kernel' ? s.kernel.name : s.options.norm))).toEqual([
      'sobel-left',
      'L2',
    ]);
  });

  it('treats an empty chain as none, so `preprocess: []` filters nothing instead of failing', async () => {
    const config = await loadConfig({
      file: fixture('empty.yaml'),
      env: {},
      overrides: { 'cameras.0.preprocess': [], 'cameras.0.edges': [] },
    });
    expect(config.cameras[0]!.preprocess).toEqual([]);
    expect(chainFor(config, config.cameras[0]!.preprocess)).toBeUndefined();
    expect(cameraChains(config, config.cameras[0]!)).toEqual({ preprocess: undefined, edges: undefined });
  });
});
