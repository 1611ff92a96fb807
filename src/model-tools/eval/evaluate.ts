import { basename } from 'node:path';
import { EdgecamError } from '../../errors.js';
import type { InferenceLogger } from '../../inference/backend.js';
import { type InferenceEngine, loadEngine } from '../../inference/engine.js';
import type { Manifest } from '../../inference/manifest.js';
import { loadModelPackage, type ModelPackage } from '../../inference/model.js';
import { DEFAULT_INFERENCE_OPTIONS } from '../../inference/options.js';
import { readImage } from '../image-reader.js';
import { averagePrecision, COCO_IOUS, meanOf, type PrCurve, type ScoredBox } from './average-precision.js';
import { type NegativeSet, readClassFolders, readNegativeSet, readYoloSet } from './dataset.js';
import { type FalseDetection, MAX_PER_100_IMAGES, summarizeNegatives } from './negatives.js';

export interface EvaluateOptions {
  /** A model package folder or its model.json. */
  readonly model: string;
  /** YOLO-format folder for detectors; one subfolder per class for classifiers. */
  readonly data: string;
  /** Detections below this score are dropped before matching (COCO and Ultralytics use 0.001). */
  readonly minScore?: number;
  /** ONNX Runtime threads; 0 = one per core. */
  readonly threads?: number;
  /** Evaluate only the first N images (sorted by path). */
  readonly limit?: number;
  /** Called after each image. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Told, in one line, when the model runs elsewhere than asked (onnxruntime-web where onnxruntime-node cannot load). */
  readonly onWarning?: (message: string) => void;
}

export interface DetectorEvaluation {
  readonly task: 'detect';
  readonly model: string;
  readonly quantization: Manifest['quantization'];
  readonly data: string;
  readonly images: number;
  readonly objects: number;
  /** Mean over classes with objects. */
  readonly map50: number;
  readonly map50to95: number;
  readonly classes: readonly {
    readonly label: string;
    readonly objects: number;
    readonly ap50: number;
    readonly ap50to95: number;
    /** Precision-recall at IoU 0.5, for the plot (not written to JSON). */
    readonly curve: PrCurve;
  }[];
  /** How detections were made: the manifest's NMS, scores above minScore. */
  readonly protocol: { readonly minScore: number; readonly nmsIou: number; readonly maxDetections: number };
}

export interface ClassifierEvaluation {
  readonly task: 'classify';
  readonly model: string;
  readonly quantization: Manifest['quantization'];
  readonly data: string;
  readonly images: number;
  readonly top1: number;
  readonly top5: number;
  readonly labels: readonly string[];
  /** confusion[truth][predicted]: image counts. */
  readonly confusion: readonly (readonly number[])[];
}

export type Evaluation = DetectorEvaluation | ClassifierEvaluation;

export interface NegativesOptions {
  /** A detector's package folder or its model.json. */
  readonly model: string;
  /** A folder of images that show none of the model's objects. */
  readonly negatives: string;
  /** Detections below this score are not collected (nor below the manifest's threshold). */
  readonly minScore?: number;
  /** ONNX Runtime threads; 0 = one per core. */
  readonly threads?: number;
  /** Run only the first N images (sorted by name). */
  readonly limit?: number;
  /** Called after each image. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Told, in one line, when the model runs elsewhere than asked (onnxruntime-web where onnxruntime-node cannot load). */
  readonly onWarning?: (message: string) => void;
}

/** A detection on a negative image: all of them are false. */
export interface NegativeDetection {
  /** The image's file name in the folder. */
  readonly file: string;
  readonly label: string;
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

export interface NegativesEvaluation {
  readonly model: string;
  readonly quantization: Manifest['quantization'];
  readonly folder: string;
  readonly images: number;
  /** Entries of the folder that are not images, left out. */
  readonly skipped: readonly string[];
  /** The manifest's score threshold, at which the figures below are counted. */
  readonly threshold: number;
  readonly falseDetections: number;
  /** falseDetections * 100 / images. */
  readonly per100Images: number;
  readonly imagesWithFalseDetections: number;
  /** False detections at the threshold per class. */
  readonly classes: readonly { readonly label: string; readonly falseDetections: number }[];
  /**
   * The lowest threshold (the floor, or a whole thousandth above it) at which false detections are
   * at most maxPer100Images per 100 images: count * 100 / images <= maxPer100Images. Null when no
   * threshold up to 1 is.
   */
  readonly lowestThreshold: number | null;
  readonly maxPer100Images: number;
  /** How detections were made: the manifest's NMS, every score down to minScore collected. */
  readonly protocol: { readonly minScore: number; readonly nmsIou: number; readonly maxDetections: number };
  /** Every detection collected, down to protocol.minScore, highest score first. */
  readonly detections: readonly NegativeDetection[];
}

/**
 * `edgecam model eval`: runs a model package over a labelled folder in this thread, through the
 * same preprocessing and decoder as the daemon (only the score threshold is lowered), and scores
 * it: mAP@0.5, mAP@0.5:0.95 and AP per class for detectors; top-1, top-5 and a confusion matrix
 * for classifiers.
 * @example const result = await evaluateModel({ model: 'models/signs', data: '/tmp/signs/test' })
 */
export async function evaluateModel(options: EvaluateOptions): Promise<Evaluation> {
  const pkg = await loadModelPackage(options.model);
  return pkg.manifest.task === 'detect' ? evaluateDetector(pkg, options) : evaluateClassifier(pkg, options);
}

/**
 * The checks evaluateNegatives makes before it runs anything: the package is a detector, and the
 * folder holds images. For a caller with another long run to do first.
 * @example await checkNegatives('models/signs', 'data/no-signs')
 */
export async function checkNegatives(model: string, negatives: string): Promise<void> {
  await prepareNegatives(model, negatives);
}

/**
 * `edgecam model eval --negatives`: runs a detector over images that show none of its objects,
 * through the same preprocessing, decoder and NMS as the daemon with scores collected down to
 * minScore, so every detection is false. Counts them at the manifest's threshold (per class, per
 * 100 images, images with any) and finds the lowest threshold that keeps them within 1 per 100
 * images.
 * @example const result = await evaluateNegatives({ model: 'models/signs', negatives: 'data/no-signs' })
 */
export async function evaluateNegatives(options: NegativesOptions): Promise<NegativesEvaluation> {
  const { pkg, set } = await prepareNegatives(options.model, options.negatives);
  const images = options.limit === undefined ? set.images : set.images.slice(0, options.limit);
  const spec = pkg.manifest.output as Extract<
    Manifest['output'],
    { scoreThreshold: number; iouThreshold: number }
  >;
  // Down to the manifest's threshold at least, so the count there is whole.
  const minScore = Math.min(options.minScore ?? 0.001, spec.scoreThreshold);
  const engine = await open(pkg, { ...spec, scoreThreshold: minScore }, options);
  const found: (FalseDetection & { box: NegativeDetection['box'] })[] = [];
  try {
    for (let i = 0; i < images.length; i++) {
      const { detections } = await engine.run(await readImage(images[i]!, 'EDGECAM_ERR_EVAL_DATA'));
      for (const d of detections) {
        if (d.box !== undefined) found.push({ image: i, classId: d.classId, score: d.score, box: d.box });
      }
      options.onProgress?.(i + 1, images.length);
    }
  } finally {
    await engine.close();
  }
  found.sort((a, b) => b.score - a.score || a.image - b.image || a.classId - b.classId);
  const summary = summarizeNegatives(found, images.length, pkg.labels.length, spec.scoreThreshold, minScore);
  return {
    model: pkg.manifestPath,
    quantization: pkg.manifest.quantization,
    folder: options.negatives,
    images: images.length,
    skipped: set.skipped,
    threshold: spec.scoreThreshold,
    falseDetections: summary.falseDetections,
    per100Images: summary.per100Images,
    imagesWithFalseDetections: summary.imagesWithFalseDetections,
    classes: summary.perClass.map((n, c) => ({ label: pkg.labels[c]!, falseDetections: n })),
    lowestThreshold: summary.lowestThreshold,
    maxPer100Images: MAX_PER_100_IMAGES,
    protocol: { minScore, nmsIou: spec.iouThreshold, maxDetections: spec.maxDetections },
    detections: found.map((d) => ({
      file: basename(images[d.image]!),
      label: pkg.labels[d.classId]!,
      score: d.score,
      box: d.box,
    })),
  };
}

async function prepareNegatives(
  model: string,
  negatives: string,
): Promise<{ pkg: ModelPackage; set: NegativeSet }> {
  const pkg = await loadModelPackage(model);
  if (pkg.manifest.task !== 'detect') {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--negatives counts false detections: it needs a detector, and ${pkg.manifestPath} is a classifier (task: ${pkg.manifest.task}). Score a classifier with --data`,
    );
  }
  return { pkg, set: await readNegativeSet(negatives) };
}

async function open(
  pkg: ModelPackage,
  output: Manifest['output'],
  options: { readonly threads?: number; readonly onWarning?: (message: string) => void },
): Promise<InferenceEngine> {
  const manifest = { ...pkg.manifest, output } as Manifest;
  const log: InferenceLogger = { warn: (_fields, message) => options.onWarning?.(message), info: () => {} };
  return loadEngine(
    { ...pkg, manifest },
    { ...DEFAULT_INFERENCE_OPTIONS, accelerator: 'cpu', threads: options.threads ?? 0 },
    log,
  );
}

async function evaluateDetector(pkg: ModelPackage, options: EvaluateOptions): Promise<DetectorEvaluation> {
  const minScore = options.minScore ?? 0.001;
  const all = await readYoloSet(options.data, pkg.labels.length);
  const samples = options.limit === undefined ? all : all.slice(0, options.limit);
  const spec = pkg.manifest.output as Extract<
    Manifest['output'],
    { scoreThreshold: number; iouThreshold: number }
  >;
  const engine = await open(pkg, { ...spec, scoreThreshold: minScore }, options);
  const detections: ScoredBox[] = [];
  try {
    for (let i = 0; i < samples.length; i++) {
      const { detections: found } = await engine.run(
        await readImage(samples[i]!.image, 'EDGECAM_ERR_EVAL_DATA'),
      );
      for (const d of found) {
        if (d.box !== undefined)
          detections.push({ image: i, classId: d.classId, score: d.score, box: d.box });
      }
      options.onProgress?.(i + 1, samples.length);
    }
  } finally {
    await engine.close();
  }
  const aps = averagePrecision(
    detections,
    samples.map((s) => s.objects),
    pkg.labels.length,
  );
  const at50 = COCO_IOUS.indexOf(0.5);
  const classes = aps.map((a) => ({
    label: pkg.labels[a.classId]!,
    objects: a.objects,
    ap50: a.ap[at50]!,
    ap50to95: meanOf(a.ap),
    curve: a.curve,
  }));
  return {
    task: 'detect',
    model: pkg.manifestPath,
    quantization: pkg.manifest.quantization,
    data: options.data,
    images: samples.length,
    objects: classes.reduce((n, c) => n + c.objects, 0),
    map50: meanOf(classes.map((c) => c.ap50)),
    map50to95: meanOf(classes.map((c) => c.ap50to95)),
    classes,
    protocol: { minScore, nmsIou: spec.iouThreshold, maxDetections: spec.maxDetections },
  };
}

async function evaluateClassifier(
  pkg: ModelPackage,
  options: EvaluateOptions,
): Promise<ClassifierEvaluation> {
  const all = await readClassFolders(options.data, pkg.labels);
  const samples = options.limit === undefined ? all : all.slice(0, options.limit);
  const spec = pkg.manifest.output as Extract<Manifest['output'], { decoder: 'classification' }>;
  const engine = await open(pkg, { ...spec, topK: Math.max(5, spec.topK), scoreThreshold: 0 }, options);
  const C = pkg.labels.length;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  let top1 = 0;
  let top5 = 0;
  try {
    for (let i = 0; i < samples.length; i++) {
      const { image, classId } = samples[i]!;
      const { detections } = await engine.run(await readImage(image, 'EDGECAM_ERR_EVAL_DATA'));
      const ranked = detections.map((d) => d.classId);
      if (ranked[0] === classId) top1++;
      if (ranked.slice(0, 5).includes(classId)) top5++;
      if (ranked[0] !== undefined) confusion[classId]![ranked[0]]!++;
      options.onProgress?.(i + 1, samples.length);
    }
  } finally {
    await engine.close();
  }
  return {
    task: 'classify',
    model: pkg.manifestPath,
    quantization: pkg.manifest.quantization,
    data: options.data,
    images: samples.length,
    top1: top1 / samples.length,
    top5: top5 / samples.length,
    labels: pkg.labels,
    confusion,
  };
}
