import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestInput } from '../../src/inference/manifest.js';
import { seededRandom } from '../../src/random.js';
import { type AttrInput, GraphBuilder } from './builder.js';

/** An output tensor a test graph must produce exactly. */
export interface KnownOutput {
  readonly name: string;
  readonly dims: number[];
  readonly values: ArrayLike<number>;
  readonly dtype?: 'float32' | 'int64';
}

/**
 * A graph whose outputs are the given constants, whatever the image: out = const + 0 * max(input).
 * It reads its input (so ORT keeps and checks it) and lets every decoder run end to end through ORT.
 * @example knownOutputsModel([1, 3, 64, 64], [{ name: 'output0', dims: [1, 6, 2], values }])
 */
export function knownOutputsModel(
  inputDims: number[],
  outputs: readonly KnownOutput[],
  inputName = 'images',
): Uint8Array {
  const g = new GraphBuilder('known-outputs');
  const x = g.input(inputName, 'float32', inputDims);
  const max = g.node('ReduceMax', [x], { keepdims: 0 });
  const zero = g.node('Mul', [max, g.initializer('zero', 'float32', [], [0])]);
  for (const o of outputs) {
    const c = g.initializer(`${o.name}_value`, 'float32', o.dims, o.values);
    const sum = g.node('Add', [c, zero]);
    if (o.dtype === 'int64') g.rename(g.node('Cast', [sum], { to: 7 }), o.name);
    else g.rename(sum, o.name);
    g.output(o.name, o.dtype ?? 'float32', o.dims);
  }
  return g.bytes();
}

/** The tie-in CNN's fixed weights: two 3x3 kernels (Sobel left, Sobel top in correlate form). */
export const CNN = {
  size: 8,
  kernels: [
    [1, 0, -1, 2, 0, -2, 1, 0, -1],
    [1, 2, 1, 0, 0, 0, -1, -2, -1],
  ],
  convBias: [0.5, -0.25],
  classes: 3,
  /** Gemm weights [3, 18] (features in NCHW flatten order: channel, row, column), seeded. */
  gemm: Array.from({ length: 3 * 18 }, (_, i) => Math.round((seededRandom(7 + i)() - 0.5) * 100) / 100),
  gemmBias: [0.1, -0.2, 0.05],
} as const;

/**
 * Conv(1 -> 2, 3x3, valid) -> ReLU -> MaxPool 2x2 -> Flatten -> Gemm(18 -> 3) -> Softmax on an
 * 8x8 gray input: the seed articles' CNN with fixed weights, to compare with the kernel engine.
 * Returned as a builder so quantizeQdq can rewrite it; `.bytes()` is the float model.
 */
export function tinyCnn(): GraphBuilder {
  const g = new GraphBuilder('tiny-cnn');
  const x = g.input('pixels', 'float32', [1, 1, CNN.size, CNN.size]);
  const w = g.initializer('conv_w', 'float32', [2, 1, 3, 3], CNN.kernels.flat());
  const b = g.initializer('conv_b', 'float32', [2], CNN.convBias);
  g.rename(g.node('Conv', [x, w, b], { kernel_shape: [3, 3] }), 'conv_out');
  const relu = g.rename(g.node('Relu', ['conv_out']), 'relu_out');
  const pool = g.node('MaxPool', [relu], { kernel_shape: [2, 2], strides: [2, 2] });
  const flat = g.rename(g.node('Flatten', [pool], { axis: 1 }), 'flat_out');
  const gw = g.initializer('gemm_w', 'float32', [3, 18], CNN.gemm);
  const gb = g.initializer('gemm_b', 'float32', [3], CNN.gemmBias);
  const logits = g.node('Gemm', [flat, gw, gb], { transB: 1 });
  g.rename(g.node('Softmax', [logits], { axis: 1 }), 'probabilities');
  g.output('probabilities', 'float32', [1, 3]);
  return g;
}

/** Ops whose first input gets a QuantizeLinear/DequantizeLinear pair. */
const QDQ_OPS = new Set(['Conv', 'Gemm', 'MaxPool', 'Flatten', 'GlobalAveragePool']);

/** Per-tensor activation ranges, measured on the float model (calibration). */
export type Ranges = ReadonlyMap<string, { min: number; max: number }>;

/**
 * Quantizes a float model to int8 QDQ form, as onnxruntime's static quantizer does: every
 * activation that feeds a quantizable op (QDQ_OPS) gets QuantizeLinear -> DequantizeLinear (uint8,
 * asymmetric, from `ranges`); Conv/Gemm weights become int8 (symmetric, per output channel) with a
 * DequantizeLinear; biases become int32 at scale input x weight. ORT fuses the result into
 * QLinearConv / QGemm kernels at load.
 * @example const int8 = quantizeQdq(floatModel, await calibrate(floatBytes, inputs))
 */
export function quantizeQdq(model: GraphBuilder, ranges: Ranges): Uint8Array {
  const g = model.model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const quantized = new Map<string, string>(); // activation -> its dequantized name
  const nodes = [...g.nodes];
  const out: typeof g.nodes = [];
  const extra = new GraphBuilder();
  let n = 0;
  const qdq = (name: string): { dq: string; scale: number } => {
    const r = ranges.get(name);
    if (r === undefined) throw new Error(`quantizeQdq: no range for ${name}`);
    const min = Math.min(0, r.min);
    const max = Math.max(0, r.max, min + 1e-6);
    const scale = (max - min) / 255;
    const zp = Math.max(0, Math.min(255, Math.round(-min / scale)));
    const existing = quantized.get(name);
    if (existing !== undefined) return { dq: existing, scale };
    const s = extra.initializer(`${name}_scale`, 'float32', [], [scale]);
    const z = extra.initializer(`${name}_zp`, 'uint8', [], [zp]);
    const q = `${name}_q`;
    const dq = `${name}_dq`;
    out.push(node('QuantizeLinear', [name, s, z], [q], `q_${n++}`));
    out.push(node('DequantizeLinear', [q, s, z], [dq], `dq_${n++}`));
    quantized.set(name, dq);
    return { dq, scale };
  };
  // Graph inputs are quantized where they are first used.
  for (const nd of nodes) {
    if (!QDQ_OPS.has(nd.opType)) {
      out.push(nd);
      continue;
    }
    if (nd.opType !== 'Conv' && nd.opType !== 'Gemm') {
      // Data-movement ops run on int8 between a DequantizeLinear and the next QuantizeLinear.
      out.push({ ...nd, inputs: [qdq(nd.inputs[0]!).dq, ...nd.inputs.slice(1)] });
      continue;
    }
    const [xName, wName, bName] = nd.inputs;
    const { dq: xq, scale: xs } = qdq(xName!);
    const w = inits.get(wName!)!;
    const wv = Float32Array.from(new Float32Array(w.rawData!.slice().buffer));
    const oc = w.dims[0]!;
    const per = wv.length / oc;
    const wScales: number[] = [];
    const wInt = new Int8Array(wv.length);
    for (let c = 0; c < oc; c++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(wv[c * per + i]!));
      const s = m > 0 ? m / 127 : 1;
      wScales.push(s);
      for (let i = 0; i < per; i++) wInt[c * per + i] = Math.round(wv[c * per + i]! / s);
    }
    // Gemm with transB stores weights [out, in]: per-channel along axis 0 either way.
    const wq = extra.initializer(`${wName}_int8`, 'int8', w.dims, wInt);
    const ws = extra.initializer(`${wName}_scale`, 'float32', [oc], wScales);
    const wz = extra.initializer(`${wName}_zp`, 'int8', [oc], new Int8Array(oc));
    const wdq = `${wName}_dq`;
    out.push(node('DequantizeLinear', [wq, ws, wz], [wdq], `dq_${n++}`, { axis: 0 }));
    const inputs = [xq, wdq];
    if (bName !== undefined) {
      const b = inits.get(bName)!;
      const bv = new Float32Array(b.rawData!.slice().buffer);
      const bScales = wScales.map((s) => s * xs);
      const bq = extra.initializer(
        `${bName}_int32`,
        'int32',
        b.dims,
        Array.from(bv, (v, i) => Math.round(v / bScales[i]!)),
      );
      const bs = extra.initializer(`${bName}_scale`, 'float32', [oc], bScales);
      const bz = extra.initializer(`${bName}_zp`, 'int32', [oc], new Int32Array(oc));
      const bdq = `${bName}_dq`;
      out.push(node('DequantizeLinear', [bq, bs, bz], [bdq], `dq_${n++}`, { axis: 0 }));
      inputs.push(bdq);
    }
    out.push({ ...nd, inputs });
  }
  const usedFloat = new Set(out.flatMap((nd) => nd.inputs));
  model.model.graph.nodes = out;
  model.model.graph.initializers = [
    ...g.initializers.filter((t) => usedFloat.has(t.name)),
    ...extra.model.graph.initializers,
  ];
  // Opset 13 has per-axis DequantizeLinear.
  model.model.opsetImports = [
    { domain: '', version: Math.max(13, model.model.opsetImports[0]?.version ?? 13) },
  ];
  return model.bytes();
}

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attrs: Record<string, number> = {},
) {
  return {
    name,
    opType,
    domain: '',
    inputs,
    outputs,
    attributes: Object.entries(attrs).map(([k, v]) => ({
      name: k,
      value: { type: 'int' as const, value: v },
    })),
    unknown: [],
  };
}

export interface MobileNetOptions {
  /** Input width and height. */
  readonly size: number;
  /** Channels after the stem (32 in MobileNet v1 1.0); the blocks widen it up to 32x. */
  readonly width: number;
  readonly classes: number;
  readonly seed?: number;
}

/**
 * A MobileNet-v1-like CNN with seeded random (He-initialised) weights: a 3x3 stride-2 stem, then
 * MobileNet v1's 13 depthwise 3x3 + pointwise 1x1 blocks (ReLU after each), global average pooling
 * and a classifier Gemm. width 32 is MobileNet v1 1.0; 16 is the 0.5 variant.
 * @example const g = mobileNetLike({ size: 224, width: 16, classes: 10 })
 */
export function mobileNetLike(options: MobileNetOptions): GraphBuilder {
  const rand = seededRandom(options.seed ?? 1);
  const g = new GraphBuilder('mobilenet-like');
  const weights = (name: string, dims: number[], fanIn: number) =>
    g.initializer(
      name,
      'float32',
      dims,
      Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (rand() * 2 - 1) * Math.sqrt(6 / fanIn)),
    );
  const bias = (name: string, n: number) =>
    g.initializer(
      name,
      'float32',
      [n],
      Array.from({ length: n }, () => (rand() - 0.5) * 0.1),
    );
  let x = g.input('images', 'float32', [1, 3, options.size, options.size]);
  let c = options.width;
  let k = 0;
  const conv = (
    input: string,
    cin: number,
    cout: number,
    kernel: number,
    stride: number,
    group: number,
  ): string => {
    const attrs: Record<string, AttrInput> = {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: kernel === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0],
      group,
    };
    const y = g.node(
      'Conv',
      [
        input,
        weights(`w${k}`, [cout, cin / group, kernel, kernel], (cin / group) * kernel * kernel),
        bias(`b${k}`, cout),
      ],
      attrs,
    );
    k++;
    return g.rename(g.node('Relu', [y]), `act${k}`);
  };
  x = conv(x, 3, c, 3, 2, 1);
  // MobileNet v1's 13 blocks: [stride, output channels as a multiple of the stem's].
  const blocks: [number, number][] = [
    [1, 2],
    [2, 4],
    [1, 4],
    [2, 8],
    [1, 8],
    [2, 16],
    [1, 16],
    [1, 16],
    [1, 16],
    [1, 16],
    [1, 16],
    [2, 32],
    [1, 32],
  ];
  for (const [stride, mult] of blocks) {
    const cout = options.width * mult;
    x = conv(x, c, c, 3, stride, c); // depthwise
    x = conv(x, c, cout, 1, 1, 1); // pointwise
    c = cout;
  }
  const pooled = g.node('GlobalAveragePool', [x]);
  const flat = g.rename(g.node('Flatten', [pooled], { axis: 1 }), 'features');
  const logits = g.node(
    'Gemm',
    [flat, weights('fc_w', [options.classes, c], c), bias('fc_b', options.classes)],
    { transB: 1 },
  );
  g.rename(logits, 'logits');
  g.output('logits', 'float32', [1, options.classes]);
  return g;
}

/**
 * A model that takes long to run (several wide 3x3 convolutions on a 3x256x256 input), for testing
 * that the main thread stays free while it runs. Classification layout: [1, 4] scores.
 */
export function slowModel(layers = 5, width = 96): Uint8Array {
  const rand = seededRandom(3);
  const g = new GraphBuilder('slow');
  let x = g.input('images', 'float32', [1, 3, 256, 256]);
  let cin = 3;
  for (let i = 0; i < layers; i++) {
    const w = g.initializer(
      `w${i}`,
      'float32',
      [width, cin, 3, 3],
      Array.from({ length: width * cin * 9 }, () => (rand() - 0.5) * 0.1),
    );
    x = g.node('Relu', [g.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] })]);
    cin = width;
  }
  const mean = g.node('ReduceMean', [x], { axes: [2, 3], keepdims: 0 });
  const slice = g.node('Slice', [
    mean,
    g.initializer('starts', 'int64', [1], [0]),
    g.initializer('ends', 'int64', [1], [4]),
    g.initializer('axes', 'int64', [1], [1]),
  ]);
  g.rename(slice, 'scores');
  g.output('scores', 'float32', [1, 4]);
  return g.bytes();
}

/**
 * Writes a model package (model.json + model file + optional labels.txt) into `dir`.
 * @example await writePackage(dir, { name: 't', task: 'classify', ... }, bytes)
 */
export async function writePackage(
  dir: string,
  manifest: ManifestInput,
  model: Uint8Array | undefined,
  labels?: readonly string[],
): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (model !== undefined) await writeFile(join(dir, manifest.model), model);
  if (labels !== undefined && typeof manifest.labels === 'string') {
    await writeFile(join(dir, manifest.labels), `${labels.join('\n')}\n`);
  }
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}
