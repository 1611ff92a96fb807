// edgecam model eval --negatives: false detections on images without objects, through the real
// runtime and the built CLI, and the errors a user can cause. The shipped model will be retrained:
// nothing here depends on how many false detections it makes, only on the report adding up.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { evaluateNegatives } from '../../../src/model-tools/eval/evaluate.js';
import { formatNegatives } from '../../../src/model-tools/eval/report.js';
import { knownOutputsModel, writePackage } from '../../onnx-builder/models.js';
import { runCli } from '../cli-helpers.js';
import { grayPng, tempDir } from '../inference/helpers.js';

const SIGNS = fileURLToPath(new URL('../../../models/signs', import.meta.url));
const NEGATIVES = fileURLToPath(new URL('../../fixtures/negatives', import.meta.url));
const SUBSET = fileURLToPath(new URL('../../fixtures/signs-test', import.meta.url));

/** The negatives section of --json, as a test reads it. */
interface NegativesJson {
  folder: string;
  images: number;
  skipped: string[];
  threshold: number;
  falseDetections: number;
  per100Images: number;
  imagesWithFalseDetections: number;
  classes: { label: string; falseDetections: number }[];
  lowestThreshold: number | null;
  maxPer100Images: number;
  protocol: { minScore: number; nmsIou: number; maxDetections: number };
  detections: { file: string; label: string; score: number; box: object }[];
}

let dir: string;
let cleanup: () => Promise<void>;
let detector: string;
let classifier: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('negatives'));
  // A detector that reports one 'apple' box at 0.75 on every image ('pear' 0.125 is not its best);
  // both scores are exact in float32, as the model's output is.
  detector = await writePackage(
    join(dir, 'detector'),
    {
      name: 'fixed-detector',
      task: 'detect',
      model: 'model.onnx',
      input: { width: 32, height: 32, resize: 'stretch' },
      output: { decoder: 'yolov8', scoreThreshold: 0.35 },
      labels: ['apple', 'pear'],
    },
    knownOutputsModel(
      [1, 3, 32, 32],
      [{ name: 'output0', dims: [1, 6, 1], values: [16, 16, 8, 8, 0.75, 0.125] }],
    ),
  );
  classifier = await writePackage(
    join(dir, 'classifier'),
    {
      name: 'fixed-classifier',
      task: 'classify',
      model: 'model.onnx',
      input: { width: 16, height: 16 },
      output: { decoder: 'classification' },
      labels: ['cat', 'dog'],
    },
    knownOutputsModel([1, 3, 16, 16], [{ name: 'scores', dims: [1, 2], values: [0.7, 0.3] }]),
  );
});
afterAll(() => cleanup());

/** Checks that the --json negatives section adds up, whatever the model finds. */
function expectConsistent(n: NegativesJson): void {
  const scores = n.detections.map((d) => d.score);
  const atOrAbove = (t: number) => scores.filter((s) => s >= t).length;
  // Every detection collected, highest first, none below the floor.
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(scores.every((s) => s >= n.protocol.minScore)).toBe(true);
  expect(n.protocol.minScore).toBeLessThanOrEqual(n.threshold);
  // The count at the manifest's threshold is the listed detections at or above it.
  expect(n.falseDetections).toBe(atOrAbove(n.threshold));
  expect(n.per100Images).toBe((n.falseDetections * 100) / n.images);
  const kept = n.detections.filter((d) => d.score >= n.threshold);
  expect(n.imagesWithFalseDetections).toBe(new Set(kept.map((d) => d.file)).size);
  expect(n.imagesWithFalseDetections).toBeLessThanOrEqual(n.images);
  for (const c of n.classes) {
    expect(c.falseDetections).toBe(kept.filter((d) => d.label === c.label).length);
  }
  // The suggested threshold keeps within 1 per 100 images, and a thousandth lower would not.
  expect(n.maxPer100Images).toBe(1);
  if (n.lowestThreshold === null) {
    expect(atOrAbove(1) * 100).toBeGreaterThan(n.images);
  } else {
    expect(atOrAbove(n.lowestThreshold) * 100).toBeLessThanOrEqual(n.images);
    if (n.lowestThreshold > n.protocol.minScore) {
      const below = Math.max(n.protocol.minScore, Math.round(n.lowestThreshold * 1000 - 1) / 1000);
      expect(atOrAbove(below) * 100).toBeGreaterThan(n.images);
    }
  }
}

describe('edgecam model eval --negatives on the shipped sign detector (CLI)', () => {
  it('counts every image of the folder, and the report adds up', async () => {
    const { dir: out, cleanup: done } = await tempDir('negatives-cli');
    try {
      const json = join(out, 'eval.json');
      const r = await runCli(['model', 'eval', SIGNS, '--negatives', NEGATIVES, '--json', json]);
      expect(r.stderr).not.toContain('edgecam:');
      expect(r.code).toBe(0);
      const entries = await readdir(NEGATIVES);
      const images = entries.filter((f) => /\.jpe?g$/i.test(f));
      expect(images.length).toBeGreaterThanOrEqual(6);
      const written = JSON.parse(await readFile(json, 'utf8'));
      expect(written).toMatchObject({ task: 'detect', quantization: 'int8-qdq' });
      expect(written.map50).toBeUndefined();
      const n = written.negatives as NegativesJson;
      expect(n.images).toBe(images.length);
      expect(n.skipped).toEqual(entries.filter((f) => !images.includes(f)).sort());
      expect(n.skipped).toContain('README.md');
      expect(n.classes.map((c) => c.label)).toHaveLength(10);
      expect(n.threshold).toBe(
        JSON.parse(await readFile(join(SIGNS, 'model.json'), 'utf8')).output.scoreThreshold,
      );
      expect(n.protocol.minScore).toBe(0.001);
      expect(n.detections.every((d) => images.includes(d.file))).toBe(true);
      expectConsistent(n);

      // The printed report says the same as the JSON.
      expect(r.stdout).toContain(
        `on ${NEGATIVES}: ${n.images} images without objects (1 entry skipped, not an image: README.md)`,
      );
      expect(r.stdout).toContain(
        `at the manifest's threshold ${n.threshold}: ${n.falseDetections} false detection` +
          `${n.falseDetections === 1 ? '' : 's'}, ${Number(n.per100Images.toFixed(2))} per 100 images, ` +
          `on ${n.imagesWithFalseDetections} of ${n.images} images`,
      );
      expect(r.stdout).toContain(
        `lowest threshold with at most 1 false detection per 100 images (0 on ${n.images} images): ${n.lowestThreshold ?? 'none'}`,
      );
      for (const d of n.detections.slice(0, 5)) {
        expect(r.stdout).toMatch(new RegExp(`^${d.file} +${d.label} +${d.score.toFixed(3)}$`, 'm'));
      }
      expect(r.stdout).not.toMatch(/mAP@0\.5/);
    } finally {
      await done();
    }
  });

  it('reports --data and --negatives in one run, --limit applying to each folder', async () => {
    const { dir: out, cleanup: done } = await tempDir('negatives-both');
    try {
      const json = join(out, 'eval.json');
      const args = ['model', 'eval', SIGNS, '--data', SUBSET, '--negatives', NEGATIVES, '--limit', '5'];
      const r = await runCli([...args, '--json', json]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/on .*signs-test: 5 images, \d+ objects/);
      expect(r.stdout).toMatch(/mAP@0\.5 [01]\.\d{3} {2}mAP@0\.5:0\.95 [01]\.\d{3}/);
      expect(r.stdout).toContain(`on ${NEGATIVES}: 5 images without objects`);
      // The labelled set's table comes first.
      expect(r.stdout.indexOf('mAP@0.5')).toBeLessThan(r.stdout.indexOf('images without objects'));
      const written = JSON.parse(await readFile(json, 'utf8'));
      expect(written).toMatchObject({ task: 'detect', images: 5 });
      expect(written.classes).toHaveLength(10);
      expect(written.negatives.images).toBe(5);
      expectConsistent(written.negatives);
    } finally {
      await done();
    }
  });
});

describe('evaluateNegatives on a detector with known outputs', () => {
  it('counts its one box per image as false, and finds the threshold just above its score', async () => {
    const folder = join(dir, 'three');
    await mkdir(folder);
    for (const name of ['a.png', 'b.png', 'c.png']) await grayPng(join(folder, name));
    await writeFile(join(folder, 'notes.txt'), 'not an image');
    const n = await evaluateNegatives({ model: detector, negatives: folder, threads: 1 });
    expect(n).toMatchObject({
      images: 3,
      skipped: ['notes.txt'],
      threshold: 0.35,
      falseDetections: 3,
      per100Images: 100,
      imagesWithFalseDetections: 3,
      classes: [
        { label: 'apple', falseDetections: 3 },
        { label: 'pear', falseDetections: 0 },
      ],
      lowestThreshold: 0.751,
      protocol: { minScore: 0.001, nmsIou: 0.45, maxDetections: 100 },
    });
    expect(n.detections.map((d) => [d.file, d.label, d.score])).toEqual(
      ['a.png', 'b.png', 'c.png'].map((f) => [f, 'apple', 0.75]),
    );
    const text = formatNegatives(n);
    expect(text).toContain('3 images without objects (1 entry skipped, not an image: notes.txt)');
    expect(text).toContain(
      "at the manifest's threshold 0.35: 3 false detections, 100 per 100 images, on 3 of 3 images",
    );
    expect(text).toContain('(0 on 3 images): 0.751');
  });

  it('collects down to the manifest threshold even when --min-score is above it', async () => {
    const folder = join(dir, 'three');
    const n = await evaluateNegatives({ model: detector, negatives: folder, minScore: 0.8, threads: 1 });
    expect(n.protocol.minScore).toBe(0.35);
    expect(n.falseDetections).toBe(3);
  });
});

describe('model eval --negatives errors', () => {
  const evalError = async (negatives: string, model = detector) => {
    try {
      await evaluateNegatives({ model, negatives, threads: 1 });
    } catch (err) {
      if (isEdgecamError(err)) return err;
      throw err;
    }
    throw new Error(`${negatives} was evaluated`);
  };

  it('a folder that does not exist is named', async () => {
    const err = await evalError(join(dir, 'nowhere'));
    expect(err.code).toBe('EDGECAM_ERR_EVAL_DATA');
    expect(err.message).toContain(`Cannot read the --negatives folder "${join(dir, 'nowhere')}"`);
  });

  it('an empty folder says what it expected', async () => {
    const folder = join(dir, 'empty');
    await mkdir(folder);
    const err = await evalError(folder);
    expect(err.code).toBe('EDGECAM_ERR_EVAL_DATA');
    expect(err.message).toContain(`No images in the --negatives folder "${folder}": it is empty`);
    expect(err.message).toContain(
      "images (.jpg, .jpeg, .png, .webp, .tif, .tiff, .bmp) that show none of the model's objects",
    );
  });

  it('a folder of other files says none is an image', async () => {
    const folder = join(dir, 'texts');
    await mkdir(folder);
    await writeFile(join(folder, 'a.txt'), '');
    await writeFile(join(folder, 'b.txt'), '');
    const err = await evalError(folder);
    expect(err.message).toContain('it holds 2 entries, none an image (a.txt, ...)');
  });

  it('a corrupt image stops the run and is named, as in --data', async () => {
    const folder = join(dir, 'corrupt');
    await mkdir(folder);
    await grayPng(join(folder, 'a.png'));
    await writeFile(join(folder, 'b.jpg'), 'not a JPEG');
    const err = await evalError(folder);
    expect(err.code).toBe('EDGECAM_ERR_EVAL_DATA');
    expect(err.message).toContain(`Cannot read image "${join(folder, 'b.jpg')}"`);
  });

  it('a classifier is refused: false detections need a detector', async () => {
    const err = await evalError(join(dir, 'three'), classifier);
    expect(err.code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(err.message).toContain('--negatives counts false detections: it needs a detector');
    expect(err.message).toContain('Score a classifier with --data');
  });

  it('the CLI names both flags when neither is given, and the folder when it is missing or empty', async () => {
    const neither = await runCli(['model', 'eval', SIGNS]);
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('model eval needs --data DIR');
    expect(neither.stderr).toContain('--negatives DIR');
    expect(neither.stderr).toContain('[EDGECAM_ERR_ARGUMENT]');

    const missing = await runCli(['model', 'eval', SIGNS, '--negatives', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot read the --negatives folder "${join(dir, 'nowhere')}"`);
    expect(missing.stderr).toContain('[EDGECAM_ERR_EVAL_DATA]');

    // Before the --data run, not after it.
    const empty = await runCli(['model', 'eval', SIGNS, '--data', SUBSET, '--negatives', join(dir, 'empty')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(
      `No images in the --negatives folder "${join(dir, 'empty')}": it is empty`,
    );
    expect(empty.stderr).not.toContain('evaluating');

    const plot = await runCli([
      'model',
      'eval',
      SIGNS,
      '--negatives',
      NEGATIVES,
      '--plot',
      join(dir, 'pr.png'),
    ]);
    expect(plot.code).toBe(1);
    expect(plot.stderr).toContain(
      '--plot draws precision-recall curves from labelled images: add --data DIR',
    );
  });
});
