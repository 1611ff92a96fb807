// edgecam model quantize: calibration with ONNX Runtime over images, QDQ rewrite, and the errors a
// user can cause. The float model is built by the test (a small MobileNet-like CNN).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import type { ManifestInput } from '../../../src/inference/manifest.js';
import { InputTensor } from '../../../src/inference/tensor.js';
import { readImage } from '../../../src/model-tools/image-reader.js';
import { quantizeModel } from '../../../src/model-tools/quantize/quantize.js';
import { decodeOnnxModel } from '../../../src/onnx/decode.js';
import { seededRandom } from '../../../src/random.js';
import { GraphBuilder } from '../../onnx-builder/builder.js';
import { mobileNetLike, writePackage } from '../../onnx-builder/models.js';
import { runCli } from '../cli-helpers.js';
import { tempDir } from '../inference/helpers.js';

const SIZE = 64;
const manifest: ManifestInput = {
  name: 'tiny-mobilenet',
  task: 'classify',
  model: 'float.onnx',
  input: { width: SIZE, height: SIZE, resize: 'stretch' },
  output: { decoder: 'classification', output: 'logits', activation: 'softmax' },
  labels: ['a', 'b', 'c', 'd'],
};

let dir: string;
let cleanup: () => Promise<void>;
let pkg: string;
let calib: string;

/** Smooth random colour blobs: images with structure, so activations spread like a real model's. */
async function writeImage(path: string, seed: number): Promise<void> {
  const rand = seededRandom(seed);
  const w = 48 + Math.floor(rand() * 48);
  const h = 48 + Math.floor(rand() * 48);
  const data = Buffer.alloc(w * h * 3);
  const [a, b, c] = [rand() * 6, rand() * 6, rand() * 6];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < 3; k++)
        data[(y * w + x) * 3 + k] =
          128 + 120 * Math.sin(a * (x / w) * (k + 1) + b * (y / h) + c * k) * rand();
  await sharp(data, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(path);
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('quantize'));
  pkg = await writePackage(
    join(dir, 'pkg'),
    manifest,
    mobileNetLike({ size: SIZE, width: 8, classes: 4, seed: 3 }).bytes(),
  );
  calib = join(dir, 'calib');
  await mkdir(join(calib, 'nested'), { recursive: true });
  await Promise.all(
    Array.from({ length: 12 }, (_, i) => writeImage(join(calib, i < 6 ? '' : 'nested', `${i}.png`), i + 1)),
  );
});
afterAll(() => cleanup());

describe('quantizeModel', () => {
  it('writes a QDQ model that ONNX Runtime runs and that agrees with the float model', async () => {
    const out = join(dir, 'int8.onnx');
    const report = await quantizeModel({
      input: join(pkg, 'float.onnx'),
      output: out,
      calibration: calib,
      perChannel: true,
    });
    expect(report.calibrationImages).toBe(12);
    expect(report.summary.quantizedNodes.Conv).toBe(27);
    expect(report.summary.quantizedNodes.Gemm).toBe(1);
    const ops = Object.fromEntries(report.after.ops.map((o) => [o.op, o.count]));
    expect(ops.QuantizeLinear).toBeGreaterThan(20);
    expect(report.after.bytes).toBeLessThan(report.before.bytes * 0.5);
    const weights = decodeOnnxModel(await readFile(out)).graph.initializers;
    expect(weights.filter((t) => t.dataType === 1 && t.dims.length === 4)).toEqual([]); // no float conv weights left

    const [float, int8] = await Promise.all([
      ort.InferenceSession.create(join(pkg, 'float.onnx')),
      ort.InferenceSession.create(out),
    ]);
    const tensor = new InputTensor({ ...manifestInput(), resize: 'stretch' });
    let worst = 0;
    let span = 0;
    for (const seed of [101, 102, 103]) {
      const path = join(dir, `probe-${seed}.png`);
      await writeImage(path, seed);
      tensor.fill(await readImage(path));
      const feed = { images: new ort.Tensor('float32', tensor.data as Float32Array, tensor.dims) };
      const a = (await float.run(feed)).logits!.data as Float32Array;
      const b = (await int8.run(feed)).logits!.data as Float32Array;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        span = Math.max(span, Math.abs(a[i]!));
      }
    }
    await Promise.all([float.release(), int8.release()]);
    // int8 noise through 28 layers: within 10% of the logits' magnitude (measured about 2-4%).
    expect(worst).toBeLessThan(0.1 * span);
    expect(worst).toBeGreaterThan(0); // it really is quantized
  });

  it('keeps excluded op types in float', async () => {
    const report = await quantizeModel({
      input: join(pkg, 'float.onnx'),
      output: join(dir, 'int8-no-gemm.onnx'),
      calibration: calib,
      exclude: ['Gemm'],
      maxImages: 2,
    });
    expect(report.summary.quantizedNodes.Gemm).toBeUndefined();
    expect(report.calibrationImages).toBe(2);
  });

  it('rejects a file that is not ONNX', async () => {
    const bogus = join(pkg, 'bogus.onnx');
    await writeFile(bogus, '<html>404 Not Found</html>');
    await expect(
      quantizeModel({ input: bogus, output: join(dir, 'x.onnx'), calibration: calib }),
    ).rejects.toSatisfy(
      (e) =>
        isEdgecamError(e, 'EDGECAM_ERR_MODEL_READ') && /bogus\.onnx is not an ONNX model/.test(String(e)),
    );
  });

  it('rejects dynamic input sizes it cannot calibrate', async () => {
    const g = new GraphBuilder('dynamic');
    const x = g.input('images', 'float32', ['batch', 3, 'height', 'width']);
    g.rename(g.node('Relu', [x]), 'logits');
    g.output('logits', 'float32', undefined);
    await writeFile(join(pkg, 'dynamic.onnx'), g.bytes());
    await expect(
      quantizeModel({ input: join(pkg, 'dynamic.onnx'), output: join(dir, 'x.onnx'), calibration: calib }),
    ).rejects.toSatisfy(
      (e) =>
        isEdgecamError(e, 'EDGECAM_ERR_QUANTIZE') &&
        String(e).includes('has dynamic shape [batch, 3, height, width]') &&
        String(e).includes('fixed input size'),
    );
  });

  it('rejects an empty calibration folder', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'notes.txt'), 'not an image');
    await expect(
      quantizeModel({ input: join(pkg, 'float.onnx'), output: join(dir, 'x.onnx'), calibration: empty }),
    ).rejects.toSatisfy(
      (e) => isEdgecamError(e, 'EDGECAM_ERR_CALIBRATION_DATA') && String(e).includes('holds no images'),
    );
  });
});

describe('edgecam model quantize (CLI)', () => {
  it('prints the calibration, sizes and op counts before and after', async () => {
    const r = await runCli([
      'model',
      'quantize',
      join(pkg, 'float.onnx'),
      join(dir, 'cli.onnx'),
      '--calibration',
      calib,
      '--per-channel',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('calibrated on 12 images');
    expect(r.stdout).toMatch(/before: .*float\.onnx .* KiB, \d+ nodes\n {2}Conv 27, Relu 27/);
    expect(r.stdout).toMatch(/after: .*cli\.onnx .*\n {2}DequantizeLinear \d+, QuantizeLinear \d+/);
    expect(r.stderr).toContain('calibrating: 12/12 (100%)'); // not a terminal: plain lines
  });

  it('exits 1 with the error code for an empty calibration folder', async () => {
    const r = await runCli([
      'model',
      'quantize',
      join(pkg, 'float.onnx'),
      join(dir, 'x.onnx'),
      '--calibration',
      join(dir, 'nowhere'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[EDGECAM_ERR_CALIBRATION_DATA]');
  });
});

function manifestInput() {
  return {
    width: SIZE,
    height: SIZE,
    layout: 'NCHW' as const,
    colorOrder: 'RGB' as const,
    dtype: 'float32' as const,
    mean: 0,
    std: 1,
    resize: 'stretch' as const,
    padColor: [114, 114, 114] as [number, number, number],
  };
}
