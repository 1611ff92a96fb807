import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { EdgecamError, firstLine } from '../../errors.js';
import { formatShape, inputMismatches, type ValueMeta } from '../../inference/check.js';
import { type InputSpec, manifestSchema } from '../../inference/manifest.js';
import { MANIFEST_FILE } from '../../inference/model.js';
import { loadOnnxRuntime, type OnnxRuntime } from '../../inference/onnx-runtime.js';
import { threadCount } from '../../inference/options.js';
import { decodeOnnxModel } from '../../onnx/decode.js';
import { encodeOnnxModel } from '../../onnx/encode.js';
import { readOnnxFile } from '../../onnx/file.js';
import { type OnnxModel, onnxDtypeName } from '../../onnx/model.js';
import { calibrationInputs, listImages } from './calibration-images.js';
import { type QdqSummary, quantizeQdq } from './qdq.js';
import { calibrate } from './ranges.js';

export interface QuantizeOptions {
  /** The float ONNX model. */
  readonly input: string;
  /** Where the int8 QDQ model goes. */
  readonly output: string;
  /** A folder of images like the ones the model will see (100 to 500 is plenty). */
  readonly calibration: string;
  /** The manifest whose `input` section says how images become tensors; default: model.json beside the input. */
  readonly manifest?: string;
  /** One weight scale per output channel (recommended for depthwise convolutions). */
  readonly perChannel?: boolean;
  /** Op types to keep in float. */
  readonly exclude?: readonly string[];
  /** Use at most this many calibration images (the first, sorted by path). */
  readonly maxImages?: number;
  /** Called after each calibration image. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Told, in one line, when calibration runs on the WebAssembly build because onnxruntime-node cannot load. */
  readonly onWarning?: (message: string) => void;
}

/** A model file's size and operator counts. */
export interface ModelStats {
  readonly path: string;
  readonly bytes: number;
  readonly nodes: number;
  /** Operator counts, most used first. */
  readonly ops: readonly { readonly op: string; readonly count: number }[];
}

export interface QuantizeReport {
  readonly before: ModelStats;
  readonly after: ModelStats;
  readonly manifest: string;
  readonly calibrationImages: number;
  /** The ONNX Runtime that calibrated and checked the model: 'onnxruntime-node 1.30.0'. */
  readonly runtime: string;
  readonly perChannel: boolean;
  readonly exclude: readonly string[];
  readonly summary: QdqSummary;
}

/**
 * `edgecam model quantize`: static int8 quantisation without Python. Calibrates activation ranges
 * with ONNX Runtime over the calibration images (preprocessed as the manifest says), rewrites the
 * graph in QDQ form, checks that ONNX Runtime loads the result, and writes it.
 * @example await quantizeModel({ input: 'models/signs/model.float.onnx', output: 'models/signs/model.int8.onnx', calibration: '/tmp/signs/calib', perChannel: true })
 */
export async function quantizeModel(options: QuantizeOptions): Promise<QuantizeReport> {
  const { input, output } = options;
  const { bytes, model } = await readOnnxFile(input, 'give the float .onnx file your exporter wrote');
  const manifestPath = options.manifest ?? join(dirname(input), MANIFEST_FILE);
  const spec = await readInputSpec(manifestPath);
  const graphInput = checkQuantizable(model, input, spec, options.perChannel ?? false);
  const mismatches = inputMismatches(spec, [graphInput]);
  if (mismatches.length > 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MISMATCH',
      `${manifestPath} disagrees with ${input}:\n${mismatches.map((m) => `  - ${m}`).join('\n')}\n` +
        'Fix the manifest (or give the right one with --manifest): calibration feeds images as it says',
    );
  }
  const all = await listImages(options.calibration);
  const files = options.maxImages === undefined ? all : all.slice(0, options.maxImages);
  const { runtime, nativeFailure } = await loadOnnxRuntime('any', threadCount(0));
  if (nativeFailure !== undefined) {
    options.onWarning?.(`${nativeFailure}; calibrating on ${runtime.name} instead, several times slower`);
  }
  const ranges = await calibrate(bytes, calibrationInputs(files, spec, graphInput.name), {
    runtime,
    onInput: (done) => options.onProgress?.(done, files.length),
  });
  const before = stats(input, bytes.length, model);
  const exclude = options.exclude ?? [];
  const perChannel = options.perChannel ?? false;
  const summary = quantizeQdq(model, ranges, { perChannel, exclude });
  model.metadata.quantization =
    `int8 QDQ by edgecam model quantize: uint8 activations (MinMax over ${files.length} images), ` +
    `int8 weights ${perChannel ? 'per channel' : 'per tensor'}${exclude.length > 0 ? `, float: ${exclude.join(', ')}` : ''}`;
  const quantized = encodeOnnxModel(model);
  await mustLoad(runtime, quantized, input);
  try {
    await writeFile(output, quantized);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_QUANTIZE',
      `Cannot write the quantized model to "${output}": ${firstLine(err)}. Check that its folder exists and is writable`,
      { cause: err },
    );
  }
  return {
    before,
    after: stats(output, quantized.length, decodeOnnxModel(quantized)),
    manifest: manifestPath,
    calibrationImages: files.length,
    runtime: runtime.name,
    perChannel,
    exclude,
    summary,
  };
}

/** The manifest's input section, without requiring the package's model file (the output may not exist yet). */
async function readInputSpec(path: string): Promise<InputSpec> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MANIFEST',
      `Cannot read the manifest ${path} (${firstLine(err)}): calibration preprocesses images as a manifest's "input" section says; ` +
        `put a ${MANIFEST_FILE} beside the model or give one with --manifest`,
      { cause: err },
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MANIFEST',
      `${path} is not a valid model manifest:\n${issues.join('\n')}\nSee "Models and inference" in the README for the format`,
    );
  }
  return parsed.data.input;
}

/** The one image input calibration can feed; throws EDGECAM_ERR_QUANTIZE naming why not. */
function checkQuantizable(model: OnnxModel, path: string, spec: InputSpec, perChannel: boolean): ValueMeta {
  const g = model.graph;
  const fail = (why: string) => new EdgecamError('EDGECAM_ERR_QUANTIZE', `Cannot quantize ${path}: ${why}`);
  const already = g.nodes.filter((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear');
  if (already.length > 0) {
    throw fail(
      `it is already quantized (${already.length} QuantizeLinear/DequantizeLinear nodes); give the float model`,
    );
  }
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 10)
    throw fail(`its opset is ${opset}; QuantizeLinear needs 10 or later: export it again with opset 13`);
  if (perChannel && opset < 13) {
    throw fail(
      `its opset is ${opset}; per-channel weights need 13 or later: export it with opset 13, or drop --per-channel`,
    );
  }
  const initializers = new Set(g.initializers.map((t) => t.name));
  const inputs = g.inputs.filter((i) => !initializers.has(i.name));
  if (inputs.length !== 1) {
    throw fail(
      `it has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); calibration feeds images to a model with one image input`,
    );
  }
  const x = inputs[0]!;
  if (x.elemType !== 1)
    throw fail(`its input '${x.name}' is ${onnxDtypeName(x.elemType)}, not float32: it is not a float model`);
  const shape = x.shape;
  const dynamic =
    shape === undefined || shape.length !== 4 || shape.slice(1).some((d) => typeof d !== 'number' || d <= 0);
  if (dynamic) {
    throw fail(
      `its input '${x.name}' has dynamic shape ${formatShape(shape)}; ranges calibrated at one size need not hold at another. ` +
        `Export it with a fixed input size (e.g. Ultralytics: dynamic=False, imgsz=${spec.width}); only the batch may be dynamic`,
    );
  }
  return { name: x.name, dtype: onnxDtypeName(x.elemType), shape };
}

/** Loads the quantized model in ONNX Runtime once, so a bad rewrite never reaches a user's board. */
async function mustLoad(runtime: OnnxRuntime, bytes: Uint8Array, input: string): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await runtime.ort.InferenceSession.create(bytes, {
      executionProviders: [runtime.build === 'wasm' ? 'wasm' : 'cpu'],
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_QUANTIZE',
      `${runtime.name} cannot load the quantized ${input} (${firstLine(err)}): keep the op it names in float with --exclude`,
      { cause: err },
    );
  }
  await session.release();
}

function stats(path: string, bytes: number, model: OnnxModel): ModelStats {
  const counts = new Map<string, number>();
  for (const n of model.graph.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const ops = [...counts]
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
  return { path, bytes, nodes: model.graph.nodes.length, ops };
}

/**
 * The report `edgecam model quantize` prints: sizes and operator counts before and after.
 * @example process.stdout.write(formatQuantizeReport(report))
 */
export function formatQuantizeReport(r: QuantizeReport): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const ops = (s: ModelStats) => s.ops.map((o) => `${o.op} ${o.count}`).join(', ');
  const quantized = Object.entries(r.summary.quantizedNodes)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  return [
    `calibrated on ${r.calibrationImages} images, preprocessed as ${r.manifest} says, with ${r.runtime}`,
    `weights: int8, ${r.perChannel ? 'per channel' : 'per tensor'}; activations: uint8 (${r.summary.quantizedTensors} tensors)` +
      (r.exclude.length > 0 ? `; kept float: ${r.exclude.join(', ')}` : ''),
    `quantized nodes: ${quantized || 'none'}`,
    '',
    `before: ${r.before.path}  ${kib(r.before.bytes)}, ${r.before.nodes} nodes`,
    `  ${ops(r.before)}`,
    `after:  ${r.after.path}  ${kib(r.after.bytes)}, ${r.after.nodes} nodes (${(r.after.bytes / r.before.bytes).toFixed(2)}x the size)`,
    `  ${ops(r.after)}`,
    '',
  ].join('\n');
}
