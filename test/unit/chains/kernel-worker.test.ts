import { afterAll, describe, expect, it } from 'vitest';
import { chainRunner } from '../../../src/chains/chain-runner.js';
import { KernelWorker } from '../../../src/chains/kernel-worker-client.js';
import type { Frame } from '../../../src/frame.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import { createChainPlan, createEdgePlan } from '../../../src/kernels/plan.js';
import { randomFrame as frame, shape } from './random-frame.js';

const expectedEdges = (f: Frame) => {
  const blurred = createChainPlan([{ kernel: resolveKernel('gaussian5') }], shape).run(f);
  return createEdgePlan(blurred, { norm: 'L1' }).run(blurred).data;
};

describe('chain runner', () => {
  it('runs kernel steps, then edge steps, as the plans would one by one', () => {
    const runner = chainRunner([{ kernel: 'gaussian5' }, { edges: 'L1' }], shape);
    expect(runner.output).toEqual({ width: 64, height: 48, channels: 1 });
    const out = { ...runner.output, data: new Uint8Array(64 * 48) };
    const f = frame(1);
    runner.run(f, out);
    expect(out.data).toEqual(expectedEdges(f));
  });
});

describe('the kernel worker', () => {
  const worker = new KernelWorker();
  afterAll(() => worker.close());

  it('gives the same bytes as the plans on the main thread, alternating preprocess buffers', async () => {
    const slot = await worker.camera(
      'front#0',
      shape,
      [{ kernel: 'gaussian5' }],
      [{ kernel: 'gaussian5' }, { edges: 'L1' }],
    );
    const a = frame(2);
    const b = frame(3);
    const first = await slot.run(a, { preprocess: true, edges: true });
    const denoise = createChainPlan([{ kernel: resolveKernel('gaussian5') }], shape);
    expect(first.preprocessed.data).toEqual(denoise.run(a).data);
    expect(first.edges!.data).toEqual(expectedEdges(a));
    const keep = first.preprocessed.data.slice();
    const second = await slot.run(b, { preprocess: true, edges: false });
    expect(second.edges).toBeUndefined();
    expect(second.preprocessed.data).toEqual(denoise.run(b).data);
    // The first frame's output is still intact: a model may still be reading it.
    expect(first.preprocessed.data).toEqual(keep);
  });

  it('reports a chain that cannot run on the frame size as the kernel engine does', async () => {
    await expect(
      worker.camera(
        'bad#0',
        { width: 10, height: 10, channels: 1 },
        [{ kernel: 'box3', padding: 'valid', stride: 2 }],
        undefined,
      ),
    ).rejects.toMatchObject({
      code: 'EDGECAM_ERR_OUTPUT_SIZE',
    });
  });
});
