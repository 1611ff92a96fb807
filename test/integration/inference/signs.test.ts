// The shipped sign detector (models/signs), through the full runtime: createDetector on the
// committed sample sequence, and `edgecam model eval` against the figures in its model card.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../src/capture/programs.js';
import type { Detection } from '../../../src/detection.js';
import type { CameraImage } from '../../../src/frame.js';
import { iou } from '../../../src/inference/decode/nms.js';
import { createDetector, type Detector } from '../../../src/inference/detector.js';
import { i420Size } from '../../../src/kernels/i420.js';
import { parseYoloLabels } from '../../../src/model-tools/eval/dataset.js';
import { evaluateModel, evaluateNegatives } from '../../../src/model-tools/eval/evaluate.js';
import { readImage } from '../../../src/model-tools/image-reader.js';
import { runCli } from '../cli-helpers.js';
import { tempDir } from './helpers.js';

const SIGNS = fileURLToPath(new URL('../../../models/signs', import.meta.url));
const SAMPLES = join(SIGNS, 'samples');
const SUBSET = fileURLToPath(new URL('../../fixtures/signs-test', import.meta.url));
const NEGATIVES = fileURLToPath(new URL('../../fixtures/negatives', import.meta.url));

/** The card's "committed subset" figures for the int8 model, and how close a run must come. */
async function cardSubsetMap(): Promise<number> {
  const card = await readFile(join(SIGNS, 'MODEL_CARD.md'), 'utf8');
  const m = /int8 mAP@0\.5 ([0-9.]+)/.exec(card.slice(card.indexOf('Committed subset')));
  if (m === null) throw new Error('MODEL_CARD.md does not state the int8 mAP@0.5 on the committed subset');
  return Number(m[1]);
}
// ONNX Runtime's int8 and float kernels differ in the last bits between CPUs (AVX-512 VNNI, AVX2,
// NEON): a few detections near a threshold may flip. 0.01 is several times what that moves here.
const TOLERANCE = 0.01;
/** The sample replay's frames from this one on are real photographs without a sign (render_samples.py). */
const SIGN_FREE_FROM = 90;

let detector: Detector;
beforeAll(async () => {
  detector = await createDetector({ model: SIGNS, accelerator: 'cpu', threads: 1 });
});
afterAll(() => detector?.close());

/**
 * How many of the sample sequence's labelled signs `read` + the detector find (IoU >= 0.5), how many
 * only with another label, and how many detections it makes on the frames that show no sign.
 */
async function sampleHits(read: (file: string) => Promise<CameraImage>) {
  const frames = (await readdir(SAMPLES)).filter((f) => f.endsWith('.jpg')).sort();
  let signs = 0;
  let found = 0;
  let wrongLabel = 0;
  let onSignFree = 0;
  for (const f of frames) {
    const truth = parseYoloLabels(await readFile(join(SAMPLES, f.replace('.jpg', '.txt')), 'utf8'), f, 10);
    const detections = await detector.run(await read(join(SAMPLES, f)));
    if (truth.length === 0 && Number(f.slice(6, 9)) >= SIGN_FREE_FROM) onSignFree += detections.length;
    for (const t of truth) {
      signs++;
      const overlapping = detections.filter((d) => iou(d.box!, t.box) >= 0.5);
      if (overlapping.some((d) => d.classId === t.classId)) found++;
      else if (overlapping.length > 0) wrongLabel++;
    }
  }
  console.log(
    `sample hits: ${found} of ${signs} found, ${wrongLabel} with another label only, ${onSignFree} on the sign-free photographs`,
  );
  return { signs, found, wrongLabel, onSignFree };
}

describe('the shipped sign detector', () => {
  it('is the int8 model, with its labels', () => {
    expect(detector.info).toMatchObject({ name: 'signs', quantization: 'int8-qdq', decoder: 'yolov8' });
    expect(detector.info.labels).toHaveLength(10);
  });

  it('finds the labelled signs of the sample sequence with the right label (IoU >= 0.5)', async () => {
    const { signs, found, wrongLabel, onSignFree } = await sampleHits((file) => readImage(file));
    expect(signs).toBe(219);
    // The four photographs at the end of the replay (a coffee, a cat, a rocket, an astronaut): measured
    // none at the manifest's threshold; the model before this one made 7 on three of them.
    expect(onSignFree).toBe(0);
    // Measured at the manifest's threshold 0.67: 208 of 219 found (the misses are signs under about
    // 30 px wide), none boxed with another label only. Bounds leave room for other CPUs' last bits.
    expect(found / signs).toBeGreaterThanOrEqual(0.9);
    expect(wrongLabel).toBeLessThanOrEqual(4);
  });

  it('runs called together, each on a frame whose buffer is reused at once, come back in order as if alone', async () => {
    const names = (await readdir(SAMPLES)).filter((f) => f.endsWith('.jpg')).sort();
    const images = await Promise.all([0, 30, 60, 89].map((i) => readImage(join(SAMPLES, names[i]!))));
    const alone: Detection[][] = [];
    for (const image of images) alone.push(await detector.run(image));
    // One buffer for every frame, overwritten right after each run() call: run() copies it first.
    const reused = { ...images[0]!, data: new Uint8Array(images[0]!.data.length) };
    const together = images.map((image) => {
      reused.data.set(image.data);
      return detector.run(reused);
    });
    const results = await Promise.all(together);
    expect(results).toEqual(alone);
    // The frames differ, so the comparison would see a mix-up.
    expect(new Set(alone.map((d) => JSON.stringify(d))).size).toBe(images.length);
  });

  it('finds them as well in the I420 planes ffmpeg decodes them to (a JPEG replay), which the worker converts itself', async () => {
    const names = (await readdir(SAMPLES)).filter((f) => f.endsWith('.jpg')).sort();
    const size = i420Size(640, 480);
    const planes = execFileSync(
      resolveFfmpeg(),
      [
        ...[
          '-v',
          'error',
          '-i',
          join(SAMPLES, 'frame_%03d.jpg'),
          '-pix_fmt',
          'yuvj420p',
          '-f',
          'rawvideo',
          'pipe:1',
        ],
      ],
      { maxBuffer: names.length * size + 1 },
    );
    expect(planes.length).toBe(names.length * size);
    const { signs, found, wrongLabel } = await sampleHits(async (file) => {
      const k = names.indexOf(basename(file));
      // Planes only: reading data would convert them here rather than in the worker.
      const i420 = new Uint8Array(planes.buffer, planes.byteOffset + k * size, size);
      return {
        width: 640,
        height: 480,
        channels: 3,
        i420,
        get data(): Uint8Array {
          throw new Error('the RGB of an I420 frame was read');
        },
      };
    });
    expect(signs).toBe(219);
    // Measured: 207 of 219 found (208 from the RGB above), none with another label only.
    expect(found / signs).toBeGreaterThanOrEqual(0.9);
    expect(wrongLabel).toBeLessThanOrEqual(4);
  });

  it('keeps quiet on real photographs without a sign at the threshold it ships with', async () => {
    const result = await evaluateNegatives({ model: SIGNS, negatives: NEGATIVES, threads: 1 });
    expect(result.images).toBe(8);
    // Measured: none on the eight photographs at the manifest's threshold 0.67, the highest score
    // 0.42 (2.0.0: 16 at its threshold 0.35, on 4 of them, up to 0.83).
    expect(result.falseDetections).toBeLessThanOrEqual(1);
  });

  it("model eval reproduces the card's mAP@0.5 on the committed test subset", async () => {
    const result = await evaluateModel({ model: SIGNS, data: SUBSET, threads: 1 });
    expect(result.task).toBe('detect');
    if (result.task !== 'detect') return;
    expect(result.images).toBe(60);
    expect(Math.abs(result.map50 - (await cardSubsetMap()))).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('edgecam model eval (CLI)', () => {
  it('prints the table, writes JSON and a precision-recall PNG', async () => {
    const { dir: out, cleanup } = await tempDir('eval-cli');
    try {
      const json = join(out, 'eval.json');
      const plot = join(out, 'pr.png');
      const r = await runCli([
        'model',
        'eval',
        SIGNS,
        '--data',
        SUBSET,
        '--limit',
        '10',
        '--json',
        json,
        '--plot',
        plot,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/on .*signs-test: 10 images, \d+ objects/);
      expect(r.stdout).toMatch(/^stop +\d+ +[0-9.-]+ +[0-9.-]+$/m);
      expect(r.stdout).toMatch(/mAP@0\.5 [01]\.\d{3} {2}mAP@0\.5:0\.95 [01]\.\d{3}/);
      const written = JSON.parse(await readFile(json, 'utf8'));
      expect(written).toMatchObject({ task: 'detect', images: 10 });
      expect(written.classes).toHaveLength(10);
      expect(await sharp(plot).metadata()).toMatchObject({ format: 'png', width: 900, height: 600 });
    } finally {
      await cleanup();
    }
  });
});
