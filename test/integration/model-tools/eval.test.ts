// edgecam model eval for classifiers (class-per-folder), and the data errors a user can cause.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { evaluateModel } from '../../../src/model-tools/eval/evaluate.js';
import { formatEvaluation } from '../../../src/model-tools/eval/report.js';
import { knownOutputsModel, writePackage } from '../../onnx-builder/models.js';
import { grayPng, tempDir } from '../inference/helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let classifier: string;
let detector: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('eval'));
  // A classifier whose scores are fixed: 'cat' first, then 'dog', 'fox', 'owl', 'emu', 'yak'.
  classifier = await writePackage(
    join(dir, 'classifier'),
    {
      name: 'fixed-classifier',
      task: 'classify',
      model: 'model.onnx',
      input: { width: 16, height: 16 },
      output: { decoder: 'classification', activation: 'none' },
      labels: ['cat', 'dog', 'fox', 'owl', 'emu', 'yak'],
    },
    knownOutputsModel(
      [1, 3, 16, 16],
      [{ name: 'scores', dims: [1, 6], values: [0.5, 0.2, 0.1, 0.08, 0.07, 0.05] }],
    ),
  );
  // A detector that always reports one 'apple' box in the middle.
  detector = await writePackage(
    join(dir, 'detector'),
    {
      name: 'fixed-detector',
      task: 'detect',
      model: 'model.onnx',
      input: { width: 32, height: 32, resize: 'stretch' },
      output: { decoder: 'yolov8' },
      labels: ['apple', 'pear'],
    },
    knownOutputsModel(
      [1, 3, 32, 32],
      [{ name: 'output0', dims: [1, 6, 1], values: [16, 16, 8, 8, 0.9, 0.1] }],
    ),
  );
  for (const [label, n] of [
    ['cat', 2],
    ['dog', 1],
    ['yak', 1],
  ] as const) {
    await mkdir(join(dir, 'classes', label), { recursive: true });
    for (let i = 0; i < n; i++) await grayPng(join(dir, 'classes', label, `${i}.png`));
  }
});
afterAll(() => cleanup());

describe('evaluateModel on a classifier', () => {
  it('gives top-1, top-5 and the confusion matrix over class folders', async () => {
    const r = await evaluateModel({ model: classifier, data: join(dir, 'classes'), threads: 1 });
    expect(r.task).toBe('classify');
    if (r.task !== 'classify') return;
    expect(r.images).toBe(4);
    expect(r.top1).toBe(0.5); // the two cats
    expect(r.top5).toBe(0.75); // yak is 6th
    expect(r.confusion[0]).toEqual([2, 0, 0, 0, 0, 0]);
    expect(r.confusion[1]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(r.confusion[5]).toEqual([1, 0, 0, 0, 0, 0]);
    expect(formatEvaluation(r)).toContain('top-1 0.500  top-5 0.750');
  });

  it('names folders that are not labels', async () => {
    await mkdir(join(dir, 'classes-bad', 'cat'), { recursive: true });
    await mkdir(join(dir, 'classes-bad', 'kat'), { recursive: true });
    await expect(evaluateModel({ model: classifier, data: join(dir, 'classes-bad') })).rejects.toSatisfy(
      (e) => isEdgecamError(e, 'EDGECAM_ERR_EVAL_DATA') && String(e).includes('not labels of the model: kat'),
    );
  });
});

describe('evaluateModel on a detector', () => {
  it('scores YOLO labels beside the images', async () => {
    const data = join(dir, 'yolo');
    await mkdir(data);
    await grayPng(join(data, 'a.png'));
    await writeFile(join(data, 'a.txt'), '0 0.5 0.5 0.25 0.25\n');
    await grayPng(join(data, 'b.png'));
    await writeFile(join(data, 'b.txt'), '1 0.5 0.5 0.25 0.25\n');
    const r = await evaluateModel({ model: detector, data, threads: 1 });
    if (r.task !== 'detect') throw new Error('expected a detector evaluation');
    expect(r.classes.map((c) => [c.label, c.objects, c.ap50])).toEqual([
      ['apple', 1, 1],
      ['pear', 1, 0],
    ]);
    expect(r.map50).toBe(0.5);
  });

  it('says which images have no label file', async () => {
    const data = join(dir, 'unlabelled');
    await mkdir(join(data, 'images'), { recursive: true });
    await mkdir(join(data, 'labels'));
    await grayPng(join(data, 'images', '1.png'));
    await grayPng(join(data, 'images', '2.png'));
    await writeFile(join(data, 'labels', '1.txt'), '');
    await expect(evaluateModel({ model: detector, data })).rejects.toSatisfy(
      (e) =>
        isEdgecamError(e, 'EDGECAM_ERR_EVAL_DATA') &&
        String(e).includes('1 of 2 images') &&
        String(e).includes(join(data, 'labels', '2.txt')),
    );
  });

  it('says when the folder holds no images', async () => {
    const data = join(dir, 'nothing');
    await mkdir(data);
    await expect(evaluateModel({ model: detector, data })).rejects.toSatisfy(
      (e) => isEdgecamError(e, 'EDGECAM_ERR_EVAL_DATA') && String(e).includes('No images in'),
    );
  });
});
