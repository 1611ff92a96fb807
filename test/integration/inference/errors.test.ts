// Every model error a user can cause, through the real runtime: each names the bad value, where,
// and the fix, with a stable code.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { createDetector } from '../../../src/inference/detector.js';
import type { ManifestInput } from '../../../src/inference/manifest.js';
import { GraphBuilder } from '../../onnx-builder/builder.js';
import { knownOutputsModel, writePackage } from '../../onnx-builder/models.js';
import { recordingLogger, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('model-errors'));
});
afterAll(() => cleanup());

const classifier = (overrides: Partial<ManifestInput> = {}): ManifestInput => ({
  name: 'c',
  task: 'classify',
  model: 'model.onnx',
  input: { width: 16, height: 16 },
  output: { decoder: 'classification' },
  labels: ['a', 'b'],
  ...overrides,
});

const scores = () => knownOutputsModel([1, 3, 16, 16], [{ name: 'scores', dims: [1, 2], values: [1, 2] }]);

async function loadError(
  name: string,
  manifest: ManifestInput | undefined,
  model?: Uint8Array,
  options = {},
) {
  const path = join(dir, name);
  if (manifest !== undefined) await writePackage(path, manifest, model);
  try {
    const d = await createDetector({ model: path, accelerator: 'cpu', ...options });
    await d.close();
  } catch (err) {
    if (isEdgecamError(err)) return err;
    throw err;
  }
  throw new Error(`${name} loaded`);
}

describe('model errors', () => {
  it('a package folder that does not exist', async () => {
    const err = await loadError('nowhere', undefined);
    expect(err.code).toBe('EDGECAM_ERR_MODEL_READ');
    expect(err.message).toContain('nowhere');
    expect(err.message).toContain('model.json');
  });

  it('a missing model file', async () => {
    const err = await loadError('no-file', classifier(), undefined);
    expect(err.code).toBe('EDGECAM_ERR_MODEL_READ');
    expect(err.message).toMatch(/no-file\/model\.onnx does not exist/);
  });

  it('a corrupt model file', async () => {
    const bytes = scores();
    const err = await loadError('corrupt', classifier(), bytes.subarray(0, bytes.length - 7));
    expect(err.code).toBe('EDGECAM_ERR_MODEL_READ');
    expect(err.message).toContain('corrupt/model.onnx');
    expect(err.message).toMatch(/corrupt or truncated/);
  });

  it('a manifest that breaks the schema lists every problem', async () => {
    const bad = {
      ...classifier(),
      input: { width: -1, height: 16, layout: 'CHW' },
    } as unknown as ManifestInput;
    const err = await loadError('bad-manifest', bad, scores());
    expect(err.code).toBe('EDGECAM_ERR_MODEL_MANIFEST');
    expect(err.message).toContain('input.width');
    expect(err.message).toContain('input.layout');
  });

  it('an input shape that disagrees with the model says expected and actual', async () => {
    const err = await loadError('shape', classifier({ input: { width: 32, height: 32 } }), scores());
    expect(err.code).toBe('EDGECAM_ERR_MODEL_MISMATCH');
    expect(err.message).toContain('[1, 3, 32, 32]');
    expect(err.message).toContain("input 'images' has shape [1, 3, 16, 16]");
  });

  it('an input dtype that disagrees with the model says expected and actual', async () => {
    const err = await loadError(
      'dtype',
      classifier({ input: { width: 16, height: 16, dtype: 'uint8' } }),
      scores(),
    );
    expect(err.code).toBe('EDGECAM_ERR_MODEL_MISMATCH');
    expect(err.message).toContain("the manifest says uint8 but the model's input 'images' is float32");
  });

  it('a layout mix-up gets a hint', async () => {
    const err = await loadError(
      'layout',
      classifier({ input: { width: 16, height: 16, layout: 'NHWC' } }),
      scores(),
    );
    expect(err.message).toContain('set input.layout to NCHW');
  });

  it('a label count that does not match the class count', async () => {
    const err = await loadError('labels', classifier({ labels: ['a', 'b', 'c'] }), scores());
    expect(err.code).toBe('EDGECAM_ERR_MODEL_LABELS');
    expect(err.message).toContain('2 classes');
    expect(err.message).toContain('3 labels');
  });

  it('a label count that does not match a YOLO head', async () => {
    const model = knownOutputsModel(
      [1, 3, 16, 16],
      [{ name: 'output0', dims: [1, 7, 20], values: new Float32Array(140) }],
    );
    const manifest = classifier({ task: 'detect', output: { decoder: 'yolov8' }, labels: ['a', 'b'] });
    const err = await loadError('yolo-labels', manifest, model);
    expect(err.code).toBe('EDGECAM_ERR_MODEL_LABELS');
    expect(err.message).toContain('3 classes');
  });

  it('an operator the backend cannot run names the op and the backend', async () => {
    const g = new GraphBuilder();
    const x = g.input('images', 'float32', [1, 3, 16, 16]);
    g.rename(g.node('SpatialWarp', [x]), 'scores');
    g.output('scores', 'float32', [1, 2]);
    const err = await loadError('operator', classifier(), g.bytes());
    expect(err.code).toBe('EDGECAM_ERR_MODEL_OPERATOR');
    expect(err.message).toContain('SpatialWarp');
    expect(err.message).toMatch(/onnxruntime-node [\d.]+ \(cpu\)/);
  });

  // onnxruntime-node ships without its CUDA and TensorRT provider files (their download is
  // denied at install), so here these accelerators are missing, as on a board without a GPU.
  it('a missing accelerator warns once and falls back to the CPU', async () => {
    const path = await writePackage(join(dir, 'fallback'), classifier(), scores());
    const logger = recordingLogger();
    const d = await createDetector({ model: path, accelerator: 'cuda', logger });
    try {
      expect(d.info.provider).toBe('cpu');
      expect(d.info.accelerator).toBe('cuda');
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toMatch(/accelerator cuda is not available .*running c on the CPU/);
    } finally {
      await d.close();
    }
  });

  it('a missing accelerator that the config requires stops the load', async () => {
    await writePackage(join(dir, 'required'), classifier(), scores());
    const err = await loadError('required', undefined, undefined, { accelerator: 'cuda', required: true });
    expect(err.code).toBe('EDGECAM_ERR_ACCELERATOR');
    expect(err.message).toContain('cuda is required');
    expect(err.message).toContain('inference.accelerator: auto');
  });
});
