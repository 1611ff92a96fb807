import { describe, expect, it } from 'vitest';
import { iou, nms } from '../../../src/inference/decode/nms.js';
import { manifestSchema } from '../../../src/inference/manifest.js';

const box = (x: number, y: number, w = 10, h = 10) => ({ x, y, w, h });

describe('nms', () => {
  it('keeps the best of overlapping boxes per class, up to maxDetections', () => {
    const kept = nms(
      [
        { classId: 0, score: 0.8, box: box(0, 0) },
        { classId: 0, score: 0.9, box: box(1, 0) },
        { classId: 1, score: 0.7, box: box(0, 0) },
        { classId: 0, score: 0.6, box: box(50, 50) },
      ],
      { iouThreshold: 0.5, maxDetections: 10, classAware: true },
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7, 0.6]);
    const agnostic = nms(kept, { iouThreshold: 0.5, maxDetections: 1, classAware: false });
    expect(agnostic.map((k) => k.score)).toEqual([0.9]);
  });

  it('iou', () => {
    expect(iou(box(0, 0, 2, 2), box(1, 0, 2, 2))).toBeCloseTo(1 / 3, 9);
    expect(iou(box(0, 0), box(20, 20))).toBe(0);
  });
});

describe('the manifest schema', () => {
  const base = {
    name: 'm',
    task: 'detect',
    model: 'model.onnx',
    input: { width: 320, height: 320 },
    output: { decoder: 'yolov8' },
    labels: 'labels.txt',
  };

  it('fills defaults', () => {
    const m = manifestSchema.parse(base);
    expect(m.input).toMatchObject({ layout: 'NCHW', colorOrder: 'RGB', dtype: 'float32', resize: 'stretch' });
    expect(m.output).toMatchObject({ scoreThreshold: 0.25, iouThreshold: 0.45, maxDetections: 100 });
    expect(m.quantization).toBe('none');
  });

  it('rejects a decoder that does not fit the task, and unknown keys', () => {
    const r = manifestSchema.safeParse({ ...base, task: 'classify', colour: 'RGB' });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(messages).toContain('colour');
  });
});
