// onnxruntime-node's run() blocks the thread that calls it (a synchronous native call wrapped in
// setImmediate), so the Detector runs models in a worker: the main thread must keep serving timers
// (MQTT keepalives, HTTP) during a long inference. The control case runs the same model on the main
// thread and shows the timers starve there, so the first assertion means something.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../../src/inference/detector.js';
import { slowModel, writePackage } from '../../onnx-builder/models.js';
import { rgbFrame, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let pkg: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('responsive'));
  pkg = await writePackage(
    join(dir, 'slow'),
    {
      name: 'slow',
      task: 'classify',
      model: 'model.onnx',
      input: { width: 256, height: 256 },
      output: { decoder: 'classification', activation: 'none', topK: 1 },
      labels: ['a', 'b', 'c', 'd'],
    },
    slowModel(),
  );
});
afterAll(() => cleanup());

/** Counts 1 ms timer ticks on this thread while `work` is pending. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const ticksBefore = ticks;
  await work();
  running = false;
  return ticks - ticksBefore;
}

describe('the event loop during inference', () => {
  it('keeps firing timers while the worker runs a long model', async () => {
    const detector = await createDetector({ model: pkg, accelerator: 'cpu', threads: 1 });
    try {
      const frame = rgbFrame(256, 256);
      await detector.run(frame); // warm-up: first runs allocate
      const ticks = await ticksDuring(() => detector.run(frame));
      // The model takes a few hundred ms: dozens of 1 ms ticks fire meanwhile.
      expect(ticks).toBeGreaterThan(10);
    } finally {
      await detector.close();
    }
  });

  it('control: the same model run on the main thread starves the timers', async () => {
    const session = await ort.InferenceSession.create(await readFile(join(pkg, 'model.onnx')), {
      intraOpNumThreads: 1,
    });
    try {
      const feeds = { images: new ort.Tensor('float32', new Float32Array(3 * 256 * 256), [1, 3, 256, 256]) };
      await session.run(feeds);
      const ticks = await ticksDuring(() => session.run(feeds));
      expect(ticks).toBeLessThanOrEqual(2);
    } finally {
      await session.release();
    }
  });
});
