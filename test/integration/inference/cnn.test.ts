// The seed tie-in: a small CNN with fixed weights runs through the real ONNX Runtime (in the
// inference worker) and must agree with the same network computed by edgecam's kernel engine.
// It proves the runtime and the engine agree on what a convolution is (correlate, not convolve).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { createDetector, type Detector } from '../../../src/inference/detector.js';
import type { ManifestInput } from '../../../src/inference/manifest.js';
import { relu } from '../../../src/kernels/activation.js';
import { conv2dBank } from '../../../src/kernels/bank.js';
import { createKernel } from '../../../src/kernels/kernel.js';
import { maxPool2d } from '../../../src/kernels/pool.js';
import type { ConvMode } from '../../../src/kernels/types.js';
import { seededRandom } from '../../../src/random.js';
import { calibrate } from '../../onnx-builder/calibrate.js';
import { CNN, quantizeQdq, tinyCnn, writePackage } from '../../onnx-builder/models.js';

const LABELS = ['left', 'top', 'flat'];

function manifest(model: string): ManifestInput {
  return {
    name: 'tiny-cnn',
    task: 'classify',
    model,
    input: { width: 8, height: 8, layout: 'NCHW', colorOrder: 'GRAY', dtype: 'float32', scale: 1 / 255 },
    output: { decoder: 'classification', activation: 'none', topK: 3 },
    labels: LABELS,
  };
}

function grayFrame(seed: number): Image<Uint8Array> {
  const rand = seededRandom(seed);
  const data = new Uint8Array(64);
  // A vertical edge plus noise, so the Sobel-left channel matters.
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++) data[y * 8 + x] = (x < 4 ? 40 : 200) + Math.floor(rand() * 40);
  return { width: 8, height: 8, channels: 1, data };
}

/** The same network with the kernel engine: conv2dBank (correlate, valid) + bias, ReLU, max pool, Gemm, softmax. */
function engineForward(frame: Image<Uint8Array>, mode: ConvMode): number[] {
  const input: Image<Float32Array> = { ...frame, data: Float32Array.from(frame.data, (v) => v / 255) };
  const kernels = CNN.kernels.map((w, i) =>
    createKernel({ name: `k${i}`, weights: [w.slice(0, 3), w.slice(3, 6), w.slice(6, 9)] }),
  );
  const conv = conv2dBank(input, kernels, { mode, padding: 'valid' }); // 6x6x2, HWC
  for (let i = 0; i < conv.data.length; i++) conv.data[i] = conv.data[i]! + CNN.convBias[i % 2]!;
  const pooled = maxPool2d(relu(conv), { size: 2 }); // 3x3x2
  // ONNX's Flatten reads NCHW: channel, then row, then column.
  const features: number[] = [];
  for (let c = 0; c < 2; c++) for (let p = 0; p < 9; p++) features.push(pooled.data[p * 2 + c]!);
  const logits = [0, 1, 2].map(
    (k) => CNN.gemmBias[k]! + features.reduce((s, f, i) => s + f * CNN.gemm[k * 18 + i]!, 0),
  );
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

function byClass(detections: { classId: number; score: number }[]): number[] {
  const scores = [0, 0, 0];
  for (const d of detections) scores[d.classId] = d.score;
  return scores;
}

let dir: string;
let floatDetector: Detector;
let int8Detector: Detector;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-cnn-'));
  const floatBytes = tinyCnn().bytes();
  const samples = [1, 2, 3, 4, 5, 6].map((s) => ({
    pixels: new ort.Tensor(
      'float32',
      Float32Array.from(grayFrame(s).data, (v) => v / 255),
      [1, 1, 8, 8],
    ),
  }));
  const int8Bytes = quantizeQdq(tinyCnn(), await calibrate(floatBytes, samples));
  await writePackage(join(dir, 'float'), manifest('model.onnx'), floatBytes);
  await writePackage(join(dir, 'int8'), { ...manifest('model.onnx'), quantization: 'int8-qdq' }, int8Bytes);
  [floatDetector, int8Detector] = await Promise.all([
    createDetector({ model: join(dir, 'float'), accelerator: 'cpu', threads: 1 }),
    createDetector({ model: join(dir, 'int8'), accelerator: 'cpu', threads: 1 }),
  ]);
});

afterAll(async () => {
  await Promise.all([floatDetector?.close(), int8Detector?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('a CNN with fixed weights: ONNX Runtime against the kernel engine', () => {
  it('agrees with conv2d in correlate mode, ReLU and max pooling to float precision', async () => {
    for (const seed of [10, 11, 12]) {
      const frame = grayFrame(seed);
      const expected = engineForward(frame, 'correlate');
      const got = byClass(await floatDetector.run(frame));
      for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(expected[k]!, 5);
    }
  });

  it('disagrees with convolve mode (a flipped kernel), so the comparison can tell them apart', async () => {
    const frame = grayFrame(10);
    const flipped = engineForward(frame, 'convolve');
    const got = byClass(await floatDetector.run(frame));
    expect(Math.max(...got.map((g, k) => Math.abs(g - flipped[k]!)))).toBeGreaterThan(1e-3);
  });

  it('reports the model and the provider that ran it', () => {
    expect(floatDetector.info).toMatchObject({
      name: 'tiny-cnn',
      task: 'classify',
      backend: 'onnx',
      provider: 'cpu',
      labels: LABELS,
      input: { name: 'pixels', width: 8, height: 8 },
    });
    expect(floatDetector.info.runtime).toMatch(/^onnxruntime-node \d+\.\d+/);
  });

  it('runs the int8 QDQ version within quantisation error of the float one', async () => {
    for (const seed of [10, 11, 12, 13]) {
      const frame = grayFrame(seed);
      const float = byClass(await floatDetector.run(frame));
      const int8 = byClass(await int8Detector.run(frame));
      for (let k = 0; k < 3; k++) expect(Math.abs(int8[k]! - float[k]!)).toBeLessThan(0.03);
    }
    expect(int8Detector.info.quantization).toBe('int8-qdq');
  });
});
