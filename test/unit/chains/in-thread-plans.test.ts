import { afterAll, describe, expect, it } from 'vitest';
import { CameraKernels } from '../../../src/chains/camera-kernels.js';
import { chainRunner } from '../../../src/chains/chain-runner.js';
import { InThreadPlans } from '../../../src/chains/in-thread-plans.js';
import { IN_THREAD_BUDGET_SECONDS, runsInThread } from '../../../src/chains/kernel-placement.js';
import { KernelWorker } from '../../../src/chains/kernel-worker-client.js';
import type { StepConfig } from '../../../src/config/chain-schema.js';
import { randomFrame as frame, shape } from './random-frame.js';

const denoise: StepConfig[] = [{ kernel: 'gaussian5' }];
const edges: StepConfig[] = [{ kernel: 'gaussian5' }, { edges: 'L1' }];

/** A kernel worker that counts the cameras planned in it. */
class CountingWorker extends KernelWorker {
  planned: string[] = [];
  override camera(...args: Parameters<KernelWorker['camera']>) {
    this.planned.push(args[0]);
    return super.camera(...args);
  }
}

describe('where chains run', () => {
  it('puts a cheap edge chain alone on the main thread, and anything with a preprocess chain in the worker', () => {
    expect(runsInThread(undefined, edges, { width: 640, height: 480, channels: 3 })).toBe(true);
    expect(runsInThread(undefined, edges, { width: 1280, height: 720, channels: 3 })).toBe(true);
    expect(runsInThread(undefined, undefined, shape)).toBe(true);
    expect(runsInThread(denoise, undefined, shape)).toBe(false);
    expect(runsInThread(denoise, edges, shape)).toBe(false);
    // 1920x1080: about 41 ms estimated for a slow board, over the budget.
    expect(runsInThread(undefined, edges, { width: 1920, height: 1080, channels: 3 })).toBe(false);
    expect(IN_THREAD_BUDGET_SECONDS).toBe(0.02);
  });
});

describe('chains on the calling thread', () => {
  const worker = new KernelWorker();
  afterAll(() => worker.close());

  it('give the same bytes as the kernel worker, alternating preprocess buffers', async () => {
    const here = new InThreadPlans(shape, denoise, edges);
    const there = await worker.camera('same#0', shape, denoise, edges);
    expect(here.engine).toBe(there.engine);
    const a = frame(2);
    const b = frame(3);
    const first = await here.run(a, { preprocess: true, edges: true });
    const expected = await there.run(a, { preprocess: true, edges: true });
    expect(first.preprocessed.data).toEqual(expected.preprocessed.data);
    expect(first.edges!.data).toEqual(expected.edges!.data);
    expect(first.edges!.channels).toBe(1);
    const keep = first.preprocessed.data.slice();
    const second = await here.run(b, { preprocess: true, edges: false });
    expect(second.edges).toBeUndefined();
    expect(second.preprocessed.data).toEqual(
      (await there.run(b, { preprocess: true, edges: false })).preprocessed.data,
    );
    // The first frame's output is still intact: a model may still be reading it.
    expect(first.preprocessed.data).toEqual(keep);
  });

  it('hand the frame itself on when nothing is asked for', async () => {
    const plans = new InThreadPlans(shape, undefined, edges);
    const f = frame(4);
    const out = await plans.run(f, { preprocess: true, edges: false });
    expect(out.preprocessed).toBe(f);
    expect(out.edges).toBeUndefined();
    expect(new InThreadPlans(shape, undefined, undefined).engine).toBe('none');
  });

  it('refuse a chain that cannot run on the frame size as the kernel engine does', () => {
    expect(
      () =>
        new InThreadPlans({ width: 10, height: 10, channels: 1 }, undefined, [
          { kernel: 'box3', padding: 'valid', stride: 2 },
        ]),
    ).toThrow(expect.objectContaining({ code: 'EDGECAM_ERR_OUTPUT_SIZE' }));
  });
});

describe("a camera's kernels", () => {
  const worker = new CountingWorker();
  afterAll(() => worker.close());

  it('leave the worker unstarted for an edge chain alone, and plan a preprocess chain there', async () => {
    const edgesOnly = new CameraKernels(worker, 'yard', undefined, edges);
    const f = frame(5);
    const out = await edgesOnly.run(f, { preprocess: false, edges: true });
    const runner = chainRunner(edges, shape);
    const expectedEdges = { ...runner.output, data: new Uint8Array(64 * 48) };
    runner.run(f, expectedEdges);
    expect(out.edges!.data).toEqual(expectedEdges.data);
    expect(worker.planned).toEqual([]);
    expect(edgesOnly.engine).toBe('wasm-simd');

    // A reload that adds a preprocess chain moves the camera's chains into the worker.
    edgesOnly.setChains(denoise, edges);
    const moved = await edgesOnly.run(f, { preprocess: true, edges: true });
    expect(worker.planned).toEqual(['yard#0']);
    const expected = await new InThreadPlans(shape, denoise, edges).run(f, { preprocess: true, edges: true });
    expect(moved.preprocessed.data).toEqual(expected.preprocessed.data);
    expect(moved.edges!.data).toEqual(expected.edges!.data);
    edgesOnly.close();
  });
});
