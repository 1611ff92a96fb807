// A tiny TensorFlow.js layers model, created and saved here, run by a Detector through the tfjs
// backend (tfjs + the WebAssembly backend, since @tensorflow/tfjs-node is not installed here), and
// compared with the same model's predict() in this process.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../../src/inference/detector.js';
import { writePackage } from '../../onnx-builder/models.js';
import { recordingLogger, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let model: tf.LayersModel;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tfjs'));
  await tf.setBackend('cpu');
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [12, 12, 3],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(
    tf.layers.dense({
      units: 3,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model = m;
  // Save as a tfjs layers model: model.json + one weights shard, as Teachable Machine exports look.
  const pkg = join(dir, 'tm');
  await mkdir(join(pkg, 'tfjs'), { recursive: true });
  await m.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = {
        format: 'layers-model',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(pkg, 'tfjs', 'model.json'), JSON.stringify(json));
      await writeFile(join(pkg, 'tfjs', 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  await writePackage(
    pkg,
    {
      name: 'teachable',
      task: 'classify',
      backend: 'tfjs',
      model: 'tfjs/model.json',
      input: { width: 12, height: 12, layout: 'NHWC', scale: 1 / 127.5, mean: 1 },
      output: { decoder: 'classification', activation: 'none', topK: 3 },
      labels: ['red', 'green', 'blue'],
    },
    undefined,
  );
});

afterAll(async () => {
  model?.dispose();
  await cleanup();
});

describe('the tfjs backend', () => {
  it('runs a layers model and agrees with tfjs predict()', async () => {
    const detector = await createDetector({ model: join(dir, 'tm') });
    try {
      expect(detector.info.backend).toBe('tfjs');
      expect(detector.info.provider).toBe('wasm');
      expect(detector.info.runtime).toMatch(/^tfjs [\d.]+ \(wasm, SIMD/);
      const data = new Uint8Array(12 * 12 * 3).map((_, i) => (i * 37) % 256);
      const found = await detector.run({ width: 12, height: 12, channels: 3, data });
      // Teachable Machine's normalisation: pixel / 127.5 - 1.
      const x = tf.tensor(
        Float32Array.from(data, (v) => v / 127.5 - 1),
        [1, 12, 12, 3],
      );
      const expected = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
      x.dispose();
      expect(found).toHaveLength(3);
      for (const d of found) expect(d.score).toBeCloseTo(expected[d.classId]!, 4);
    } finally {
      await detector.close();
    }
  });

  it('takes accelerator wasm as its own, and warns that a GPU accelerator does not apply', async () => {
    const warnings = async (accelerator: 'wasm' | 'cuda') => {
      const logger = recordingLogger();
      const detector = await createDetector({ model: join(dir, 'tm'), accelerator, logger });
      await detector.close();
      return logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    };
    expect(await warnings('wasm')).toEqual([]);
    expect(await warnings('cuda')).toEqual([
      'accelerator cuda does not apply to tfjs models; running teachable on wasm',
    ]);
  });
});
