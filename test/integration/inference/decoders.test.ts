// Every decoder end to end through the real ONNX Runtime: graphs whose outputs are known tensors
// in each layout, run by a Detector on a frame whose size forces the resize mode to matter.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../../src/inference/detector.js';
import type { ManifestInput } from '../../../src/inference/manifest.js';
import { type KnownOutput, knownOutputsModel, writePackage } from '../../onnx-builder/models.js';
import { rgbFrame, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('decoders'));
});
afterAll(() => cleanup());

const INPUT = { width: 64, height: 64, layout: 'NCHW', colorOrder: 'RGB', dtype: 'float32' } as const;

async function detect(
  name: string,
  output: ManifestInput['output'],
  outputs: KnownOutput[],
  resize: 'stretch' | 'letterbox' | 'center-crop',
  labels: string[],
  frame = rgbFrame(128, 64),
) {
  const task = output.decoder === 'classification' ? 'classify' : 'detect';
  const pkg = await writePackage(
    join(dir, name),
    { name, task, model: 'model.onnx', input: { ...INPUT, resize }, output, labels: 'labels.txt' },
    knownOutputsModel([1, 3, 64, 64], outputs),
    labels,
  );
  const detector = await createDetector({ model: pkg, accelerator: 'cpu', threads: 1 });
  try {
    return await detector.run(frame);
  } finally {
    await detector.close();
  }
}

/** Channels-first YOLOv8 rows: cx, cy, w, h, then one score row per class, for anchors a. */
function yolov8(anchors: number[][]): number[] {
  const rows = anchors[0]!.length;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (const a of anchors) out.push(a[r]!);
  return out;
}

describe('decoders through ONNX Runtime', () => {
  it('yolov8 [1, 4 + C, N]: best class, threshold, class-aware NMS, boxes mapped back through the letterbox', async () => {
    // Input 64x64 letterboxed from 128x64: scale 0.5, content rows 16..48.
    const anchors = [
      [32, 32, 16, 8, 0.1, 0.9], // kept: class 1
      [33, 32, 16, 8, 0.1, 0.8], // suppressed by the first (same class, IoU ~0.88)
      [32, 32, 16, 8, 0.7, 0.2], // kept: class 0 does not suppress class 1
      [10, 10, 4, 4, 0.1, 0.2], // below the threshold
    ];
    const found = await detect(
      'yolov8',
      { decoder: 'yolov8', scoreThreshold: 0.25, iouThreshold: 0.5 },
      [{ name: 'output0', dims: [1, 6, 4], values: yolov8(anchors) }],
      'letterbox',
      ['cat', 'dog'],
    );
    expect(found.map((d) => [d.label, d.classId])).toEqual([
      ['dog', 1],
      ['cat', 0],
    ]);
    expect(found[0]!.score).toBeCloseTo(0.9, 6);
    // Input box x 24..40, y 28..36 -> frame pixels x 48..80 of 128, y 24..40 of 64.
    const box = found[0]!.box!;
    expect(box.x).toBeCloseTo(48 / 128, 6);
    expect(box.w).toBeCloseTo(32 / 128, 6);
    expect(box.y).toBeCloseTo(24 / 64, 6);
    expect(box.h).toBeCloseTo(16 / 64, 6);
  });

  it('yolov8 transposed [1, N, 4 + C] decodes the same', async () => {
    const found = await detect(
      'yolov8t',
      { decoder: 'yolov8' },
      [{ name: 'output0', dims: [1, 2, 6], values: [32, 32, 16, 8, 0.1, 0.9, 8, 8, 4, 4, 0.6, 0.1] }],
      'stretch',
      ['cat', 'dog'],
    );
    expect(found.map((d) => d.label)).toEqual(['dog', 'cat']);
    // Stretch: x 24..40 of 64 -> 0.375..0.625 of the frame whatever its size.
    expect(found[0]!.box!.x).toBeCloseTo(0.375, 6);
    expect(found[0]!.box!.y).toBeCloseTo(28 / 64, 6);
  });

  it('yolov5 [1, N, 5 + C]: objectness x class score', async () => {
    const rows = [
      [16, 16, 8, 8, 0.9, 0.2, 0.9], // 0.81, class 1
      [48, 48, 8, 8, 0.5, 0.8, 0.1], // 0.40, class 0
      [40, 40, 8, 8, 0.2, 1.0, 0.0], // objectness below the threshold
    ];
    const found = await detect(
      'yolov5',
      { decoder: 'yolov5', scoreThreshold: 0.3 },
      [{ name: 'output', dims: [1, 3, 7], values: rows.flat() }],
      'stretch',
      ['a', 'b'],
    );
    expect(found.map((d) => [d.label, Number(d.score.toFixed(4))])).toEqual([
      ['b', 0.81],
      ['a', 0.4],
    ]);
    expect(found[0]!.box).toMatchObject({ x: 12 / 64, y: 12 / 64 });
  });

  it('ssd (TF Object Detection API outputs): ymin/xmin/ymax/xmax, class offset, count, centre crop', async () => {
    // Frame 128x64 centre-cropped to 64x64: the input shows frame columns 32..96.
    const found = await detect(
      'ssd',
      { decoder: 'ssd', classOffset: -1, scoreThreshold: 0.5 },
      [
        { name: 'detection_boxes', dims: [1, 3, 4], values: [0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 0, 0, 1, 1] },
        { name: 'detection_classes', dims: [1, 3], values: [1, 2, 1] },
        { name: 'detection_scores', dims: [1, 3], values: [0.9, 0.6, 0.99] },
        // Only the first two are valid detections, as num_detections says.
        { name: 'num_detections', dims: [1], values: [2] },
      ],
      'center-crop',
      ['person', 'bicycle'],
    );
    expect(found.map((d) => d.label)).toEqual(['person', 'bicycle']);
    expect(found[0]!.box!.x).toBeCloseTo(32 / 128, 6);
    expect(found[0]!.box!.w).toBeCloseTo(32 / 128, 6);
    expect(found[0]!.box!.h).toBeCloseTo(0.5, 6);
    expect(found[1]!.box!.x).toBeCloseTo(64 / 128, 6);
  });

  it('classification: softmax, top-k, threshold', async () => {
    const found = await detect(
      'classify',
      { decoder: 'classification', activation: 'softmax', topK: 2, scoreThreshold: 0.1 },
      [{ name: 'logits', dims: [1, 3], values: [1, 3, 2] }],
      'stretch',
      ['x', 'y', 'z'],
    );
    const e = [Math.exp(1), Math.exp(3), Math.exp(2)];
    const sum = e[0]! + e[1]! + e[2]!;
    expect(found.map((d) => d.label)).toEqual(['y', 'z']);
    expect(found[0]!.score).toBeCloseTo(e[1]! / sum, 6);
    expect(found[1]!.score).toBeCloseTo(e[2]! / sum, 6);
    expect(found[0]!.box).toBeUndefined();
  });
});
