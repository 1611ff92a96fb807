import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestInput } from '../../src/inference/manifest.js';
import { quantizeQdq as quantizeGraph } from '../../src/model-tools/quantize/qdq.js';
import type { ActivationRanges } from '../../src/model-tools/quantize/ranges.js';
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

/** Per-tensor activation ranges, measured on the float model (calibration). */
export type Ranges = ActivationRanges;

/**
 * Quantizes a test model to int8 QDQ with the product's quantizer (what `edgecam model quantize`
 * runs), per-channel weights: kept as a builder-level helper for tests and benchmarks.
 * @example const int8 = quantizeQdq(floatModel, await calibrate(floatBytes, inputs))
 */
export function quantizeQdq(model: GraphBuilder, ranges: Ranges): Uint8Array {
  quantizeGraph(model.model, ranges, { perChannel: true, exclude: [] });
  return model.bytes();
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
