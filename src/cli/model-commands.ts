import { writeFile } from 'node:fs/promises';
import { ACCELERATORS } from '../config/inference-schema.js';
import { EdgecamError } from '../errors.js';
import { annotate } from '../inference/annotate.js';
import { createDetector } from '../inference/detector.js';
import type { Accelerator } from '../inference/options.js';
import {
  checkNegatives,
  type Evaluation,
  evaluateModel,
  evaluateNegatives,
  type NegativesEvaluation,
} from '../model-tools/eval/evaluate.js';
import { writePrecisionRecallPng } from '../model-tools/eval/pr-plot.js';
import {
  evaluationJson,
  formatEvaluation,
  formatNegatives,
  negativesJson,
} from '../model-tools/eval/report.js';
import { formatModelReport, inspectModel } from '../model-tools/inspect.js';
import { formatQuantizeReport, quantizeModel } from '../model-tools/quantize/quantize.js';
import { type RunsOn, runsOn } from '../model-tools/runs-on.js';
import { readImageFile } from './image-file.js';
import { withProgress } from './progress.js';

export interface ModelRunFlags {
  out?: string;
  accelerator?: string;
  threads?: string;
  /** A backend plug-in's package name or path (inference.backend). */
  backend?: string;
}

/**
 * `edgecam model inspect PATH`: the model's inputs, outputs, opset, operator and quantization counts,
 * file size and the manifest, with every mismatch between them. `ok` is false when there are mismatches.
 */
export async function inspectModelCommand(
  path: string,
  flags: { json?: boolean; accelerator?: string },
): Promise<{ output: string; ok: boolean }> {
  const accelerator = parseAccelerator(flags.accelerator);
  const inspected = await inspectModel(path);
  const report =
    accelerator === undefined || inspected.mismatches.length > 0
      ? inspected
      : { ...inspected, runsOn: await runsOnWithWarnings(path, accelerator) };
  const output = flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatModelReport(report);
  return { output, ok: report.mismatches.length === 0 };
}

/** runsOn, its fallback warnings on stderr as `model run` prints them. */
async function runsOnWithWarnings(path: string, accelerator: Accelerator): Promise<RunsOn> {
  if (path.endsWith('.onnx')) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--accelerator loads a model package (a folder with model.json), not a bare ${path}: give the package's folder`,
    );
  }
  const warnings: string[] = [];
  const where = await runsOn(path, accelerator, {
    warn: (_f, message) => warnings.push(message),
    info: () => {},
  });
  for (const w of warnings) process.stderr.write(`edgecam: warning: ${w}\n`);
  return where;
}

/**
 * `edgecam model run PATH IMAGE [--out annotated.jpg]`: detections as JSON (boxes normalised to the
 * image), and optionally the image with boxes and labels drawn.
 */
export async function runModelCommand(
  path: string,
  imagePath: string,
  flags: ModelRunFlags,
): Promise<string> {
  const accelerator = parseAccelerator(flags.accelerator);
  const threads = parseThreads(flags.threads);
  const image = await readImageFile(imagePath);
  const warnings: string[] = [];
  const detector = await createDetector({
    model: path,
    accelerator,
    threads,
    backend: flags.backend,
    logger: { warn: (_f, message) => warnings.push(message), info: () => {} },
  });
  try {
    // Gray files stay gray: the tensor pass converts to the model's colour order.
    const detections = await detector.run(image);
    if (flags.out !== undefined) {
      const out = flags.out;
      try {
        await annotate(image, detections).toFile(out);
      } catch (err) {
        throw new EdgecamError(
          'EDGECAM_ERR_IMAGE_WRITE',
          `Cannot write "${out}": ${err instanceof Error ? err.message.split('\n')[0] : String(err)}. Check that the folder exists and the extension is .jpg, .png or .webp`,
          { cause: err },
        );
      }
    }
    for (const w of warnings) process.stderr.write(`edgecam: warning: ${w}\n`);
    const { info, lastTimings } = detector;
    return `${JSON.stringify(
      {
        model: info.name,
        provider: info.provider,
        adapter: info.adapter,
        runtime: info.runtime,
        image: { path: imagePath, width: image.width, height: image.height },
        timings: lastTimings,
        detections,
      },
      null,
      2,
    )}\n`;
  } finally {
    await detector.close();
  }
}

function parseAccelerator(value: string | undefined): Accelerator | undefined {
  if (value === undefined) return undefined;
  if ((ACCELERATORS as readonly string[]).includes(value)) return value as Accelerator;
  throw new EdgecamError(
    'EDGECAM_ERR_ARGUMENT',
    `Expected --accelerator to be one of ${ACCELERATORS.join(', ')} but received '${value}'`,
  );
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected --threads to be a whole number >= 0 (0 = one per core) but received '${value}'`,
    );
  }
  return n;
}

export interface QuantizeFlags {
  calibration: string;
  perChannel?: boolean;
  exclude?: string;
  manifest?: string;
  maxImages?: string;
}

/**
 * `edgecam model quantize IN.onnx OUT.onnx --calibration DIR [--per-channel] [--exclude OP,...]`:
 * static int8 QDQ quantisation; prints sizes and operator counts before and after.
 */
export async function quantizeModelCommand(
  input: string,
  output: string,
  flags: QuantizeFlags,
): Promise<string> {
  const report = await withProgress('calibrating', (onProgress) =>
    quantizeModel({
      input,
      output,
      calibration: flags.calibration,
      manifest: flags.manifest,
      perChannel: flags.perChannel === true,
      exclude: parseList(flags.exclude),
      maxImages: parsePositive('--max-images', flags.maxImages),
      onProgress,
      onWarning: (message) => process.stderr.write(`edgecam: warning: ${message}\n`),
    }),
  );
  return formatQuantizeReport(report);
}

export interface EvalFlags {
  data?: string;
  negatives?: string;
  json?: string;
  plot?: string;
  minScore?: string;
  threads?: string;
  limit?: string;
}

/**
 * `edgecam model eval PATH [--data DIR] [--negatives DIR] [--json FILE] [--plot FILE.png]`: mAP and
 * AP per class for detectors, top-1/top-5 and a confusion matrix for classifiers (--data); false
 * detections on images without objects and the lowest threshold within 1 per 100 images
 * (--negatives, detectors); one or both. Prints the tables.
 */
export async function evalModelCommand(path: string, flags: EvalFlags): Promise<string> {
  const minScore = parseEvalFlags(flags);
  const threads = parseThreads(flags.threads);
  const limit = parsePositive('--limit', flags.limit);
  // A bad --negatives folder or a classifier shows before the --data run, not after it.
  if (flags.negatives !== undefined && flags.data !== undefined) await checkNegatives(path, flags.negatives);
  const data = flags.data;
  // Each run loads the model: a warning about where it runs is the same both times.
  const warned = new Set<string>();
  const onWarning = (message: string) => {
    if (!warned.has(message)) process.stderr.write(`edgecam: warning: ${message}\n`);
    warned.add(message);
  };
  const result: Evaluation | undefined =
    data === undefined
      ? undefined
      : await withProgress('evaluating', (onProgress) =>
          evaluateModel({ model: path, data, minScore, threads, limit, onProgress, onWarning }),
        );
  const negativesFolder = flags.negatives;
  const negatives: NegativesEvaluation | undefined =
    negativesFolder === undefined
      ? undefined
      : await withProgress('negatives', (onProgress) =>
          evaluateNegatives({
            model: path,
            negatives: negativesFolder,
            minScore,
            threads,
            limit,
            onProgress,
            onWarning,
          }),
        );
  if (flags.json !== undefined) await writeEvalJson(flags.json, result, negatives);
  if (flags.plot !== undefined && result !== undefined) await writePlot(flags.plot, result);
  const sections = [
    ...(result === undefined ? [] : [formatEvaluation(result)]),
    ...(negatives === undefined ? [] : [formatNegatives(negatives)]),
  ];
  return sections.join('\n');
}

/** Checks that the eval flags make sense together, before any image is read; returns --min-score. */
function parseEvalFlags(flags: EvalFlags): number | undefined {
  if (flags.data === undefined && flags.negatives === undefined) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      'model eval needs --data DIR (labelled images: AP per class, or top-1 for a classifier), ' +
        '--negatives DIR (images without objects: false detections), or both',
    );
  }
  if (flags.plot !== undefined && flags.data === undefined) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      '--plot draws precision-recall curves from labelled images: add --data DIR, or leave out --plot',
    );
  }
  const minScore = flags.minScore === undefined ? undefined : Number(flags.minScore);
  if (minScore !== undefined && !(minScore >= 0 && minScore < 1)) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected --min-score to be a number from 0 to 1 but received '${flags.minScore}'`,
    );
  }
  return minScore;
}

/** --json FILE: the evaluation, with the negatives under `negatives` when both ran; at least one did. */
async function writeEvalJson(
  file: string,
  result: Evaluation | undefined,
  negatives: NegativesEvaluation | undefined,
): Promise<void> {
  const json =
    negatives === undefined
      ? evaluationJson(result!)
      : {
          ...(result === undefined
            ? { task: 'detect', model: negatives.model, quantization: negatives.quantization }
            : evaluationJson(result)),
          negatives: negativesJson(negatives),
        };
  try {
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Cannot write --json "${file}": ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** --plot FILE.png: precision-recall curves, which only a detector has. */
async function writePlot(file: string, result: Evaluation): Promise<void> {
  if (result.task !== 'detect') {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      '--plot draws precision-recall curves: it needs a detector',
    );
  }
  await writePrecisionRecallPng(result, file);
}

function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parsePositive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected ${flag} to be a whole number >= 1 but received '${value}'`,
    );
  }
  return n;
}
