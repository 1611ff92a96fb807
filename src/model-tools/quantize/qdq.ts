import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor } from '../../onnx/model.js';
import { tensorValues } from '../../onnx/model.js';
import { floatTensor, int8Tensor, int32Tensor, uint8Tensor } from './graph-types.js';
import { planQdq, type QdqPlan, type QParams, weightOf } from './qdq-plan.js';
import type { ActivationRanges } from './ranges.js';

/**
 * Static int8 quantisation in QDQ form, the layout ONNX Runtime's own quantizer writes: each
 * quantized activation gets QuantizeLinear -> DequantizeLinear (uint8, asymmetric, from the
 * calibrated range), weights become int8 (symmetric; per output channel with perChannel) behind a
 * DequantizeLinear, and biases int32 at scale input x weight. The graph still computes in float
 * as written; ONNX Runtime fuses DQ -> Conv -> Q into QLinearConv (and the like) when it loads it.
 * Ref: https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html
 */

export interface QdqOptions {
  /** One weight scale per output channel (Conv, Gemm, MatMul) instead of one per tensor. */
  readonly perChannel: boolean;
  /** Op types (Resize) or node names (/stem/stem.0/Conv) to keep in float even where they could be quantized. */
  readonly exclude: readonly string[];
}

/** What the rewrite did. */
export interface QdqSummary {
  /** Quantized nodes by op type (Relu folded into a quantized range counts as Relu). */
  readonly quantizedNodes: Readonly<Record<string, number>>;
  /** Activations given a QuantizeLinear/DequantizeLinear pair. */
  readonly quantizedTensors: number;
  readonly weightTensors: number;
}

/**
 * Rewrites a float model (in place) into int8 QDQ form with the calibrated activation ranges.
 * Throws a RangeError when a tensor that must be quantized has no range (calibrate the same model).
 * @example const summary = quantizeQdq(model, await calibrate(bytes, inputs), { perChannel: true, exclude: [] })
 */
export function quantizeQdq(model: OnnxModel, ranges: ActivationRanges, options: QdqOptions): QdqSummary {
  const g = model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const plan = planQdq(g, inits, options.exclude);
  const rewrite = new QdqRewrite(plan, ranges, inits, options.perChannel);
  for (const i of g.inputs) if (plan.tensors.has(i.name)) rewrite.pair(i.name);
  for (const n of g.nodes) rewrite.node(n);
  replaceBody(g, inits, rewrite);
  const counts: Record<string, number> = {};
  for (const n of plan.nodes.keys()) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return { quantizedNodes: counts, quantizedTensors: plan.tensors.size, weightTensors: rewrite.weights.size };
}

/** The rewritten nodes and the initializers they add, built node by node in graph order. */
class QdqRewrite {
  readonly nodes: OnnxNode[] = [];
  /** Scales, zero points, int8 weights and int32 biases. */
  readonly initializers: OnnxTensor[] = [];
  /** Dequantized weights by weight name: a weight two nodes share is quantized once. */
  readonly weights = new Map<string, { name: string; scales: Float32Array }>();
  readonly #plan: QdqPlan;
  readonly #ranges: ActivationRanges;
  readonly #inits: ReadonlyMap<string, OnnxTensor>;
  readonly #perChannel: boolean;
  /** Keeps the names of biases that two nodes share apart. */
  #biasSerial = 0;

  constructor(
    plan: QdqPlan,
    ranges: ActivationRanges,
    inits: ReadonlyMap<string, OnnxTensor>,
    perChannel: boolean,
  ) {
    this.#plan = plan;
    this.#ranges = ranges;
    this.#inits = inits;
    this.#perChannel = perChannel;
  }

  /** QuantizeLinear -> DequantizeLinear after `name`, with the scale and zero point of its calibrated range. */
  pair(name: string): void {
    const p = this.#plan.tensors.get(name)!;
    if (p.own) {
      const r = this.#ranges.get(name);
      if (r === undefined) throw new RangeError(`no calibrated range for ${name}: calibrate this model`);
      const { scale, zeroPoint } = uint8Params(r.min, r.max);
      this.initializers.push(floatTensor(p.scale, [], [scale]), uint8Tensor(p.zeroPoint, [], [zeroPoint]));
    }
    this.nodes.push(
      qdqNode('QuantizeLinear', [name, p.scale, p.zeroPoint], `${name}_quantized`, `${name}_QuantizeLinear`),
      qdqNode(
        'DequantizeLinear',
        [`${name}_quantized`, p.scale, p.zeroPoint],
        `${name}_dequantized`,
        `${name}_DequantizeLinear`,
      ),
    );
  }

  /** `n` reading its quantized inputs (and its int8 weight and int32 bias) dequantized; then its output pairs. */
  node(n: OnnxNode): void {
    const inputs = n.inputs.map((i) => (this.#plan.tensors.has(i) ? `${i}_dequantized` : i));
    if (this.#plan.nodes.get(n) === 'weighted') {
      const dq = this.#weight(weightOf(n, this.#inits)!);
      inputs[1] = dq.name;
      const bias = this.#bias(n, dq.scales);
      if (bias !== undefined) inputs[2] = bias;
    }
    this.nodes.push({ ...n, inputs });
    for (const o of n.outputs) if (this.#plan.tensors.has(o)) this.pair(o);
  }

  #weight(w: { tensor: OnnxTensor; axis: number }): { name: string; scales: Float32Array } {
    const known = this.weights.get(w.tensor.name);
    if (known !== undefined) return known;
    const q = quantizeWeight(w.tensor, w.axis, this.#perChannel);
    const dq = { name: `${w.tensor.name}_dequantized`, scales: q.scales };
    this.weights.set(w.tensor.name, dq);
    this.initializers.push(...q.tensors);
    this.nodes.push(
      qdqNode(
        'DequantizeLinear',
        q.tensors.map((t) => t.name),
        dq.name,
        `${w.tensor.name}_DequantizeLinear`,
        q.axis,
      ),
    );
    return dq;
  }

  /** The dequantized int32 bias of a weighted node; undefined when it has no float bias initializer. */
  #bias(n: OnnxNode, weightScales: Float32Array): string | undefined {
    const biasName = n.inputs[2];
    const bias = biasName ? this.#inits.get(biasName) : undefined;
    if (bias === undefined || bias.dataType !== 1) return undefined;
    const x = this.#plan.tensors.get(n.inputs[0]!)!;
    const xRange = this.#ranges.get(x.own ? n.inputs[0]! : sourceOf(x))!;
    const inScale = uint8Params(xRange.min, xRange.max).scale;
    const b = quantizeBias(bias, inScale, weightScales, this.#biasSerial++);
    this.initializers.push(...b.tensors);
    this.nodes.push(
      qdqNode(
        'DequantizeLinear',
        b.tensors.map((t) => t.name),
        b.name,
        `${b.name}_node`,
        b.axis,
      ),
    );
    return b.name;
  }
}

/** Puts the rewritten nodes in the graph and drops the float initializers nothing reads any more. */
function replaceBody(g: OnnxGraph, inits: ReadonlyMap<string, OnnxTensor>, rewrite: QdqRewrite): void {
  g.nodes = rewrite.nodes;
  const used = new Set(g.nodes.flatMap((n) => n.inputs));
  for (const o of g.outputs) used.add(o.name);
  g.initializers = [...g.initializers.filter((t) => used.has(t.name)), ...rewrite.initializers];
  const kept = new Set(g.initializers.map((t) => t.name));
  g.inputs = g.inputs.filter((i) => !inits.has(i.name) || kept.has(i.name));
}

/** The tensor whose range a borrowed pair uses: its scale's name minus the suffix. */
function sourceOf(p: QParams): string {
  return p.scale.slice(0, -'_scale'.length);
}

/**
 * uint8 scale and zero point for a range, widened to hold 0 exactly (zero padding, ReLU's floor).
 * @example uint8Params(0, 6) // { scale: 6 / 255, zeroPoint: 0 }
 */
export function uint8Params(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, min);
  let hi = Math.max(0, max);
  if (hi - lo < 1e-8) hi = lo + 1e-8;
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

/** Symmetric int8 weights ([-127, 127], zero point 0), one scale per channel along `axis` or one in all. */
function quantizeWeight(
  w: OnnxTensor,
  axis: number,
  perChannel: boolean,
): { tensors: OnnxTensor[]; scales: Float32Array; axis: number | undefined } {
  const values = tensorValues(w);
  const channels = perChannel ? w.dims[axis]! : 1;
  // Elements between two steps of the channel index, and how many channel blocks repeat.
  const inner = perChannel ? w.dims.slice(axis + 1).reduce((a, b) => a * b, 1) : values.length;
  const channelOf = (i: number) => (perChannel ? Math.floor(i / inner) % channels : 0);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(values[i]!));
  }
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scales[channelOf(i)]!)));
  }
  const dims = perChannel ? [channels] : [];
  return {
    tensors: [
      int8Tensor(`${w.name}_quantized`, w.dims, q),
      floatTensor(`${w.name}_scale`, dims, scales),
      int8Tensor(`${w.name}_zero_point`, dims, new Int8Array(channels)),
    ],
    scales,
    axis: perChannel ? axis : undefined,
  };
}

/** int32 bias at scale inputScale x weightScale (what QLinearConv adds before requantising). */
function quantizeBias(
  b: OnnxTensor,
  inputScale: number,
  weightScales: Float32Array,
  serial: number,
): { tensors: OnnxTensor[]; name: string; axis: number | undefined } {
  const values = tensorValues(b);
  const perChannel = weightScales.length > 1;
  const scales = Float32Array.from(values, (_, i) => inputScale * weightScales[perChannel ? i : 0]!);
  const q = Int32Array.from(values, (v, i) => Math.round(v / scales[i]!));
  const base = `${b.name}_${serial}`;
  const dims = perChannel ? [values.length] : [];
  return {
    tensors: [
      int32Tensor(`${base}_quantized`, b.dims, q),
      floatTensor(`${base}_scale`, dims, perChannel ? scales : [scales[0] ?? inputScale]),
      int32Tensor(`${base}_zero_point`, dims, new Int32Array(perChannel ? values.length : 1)),
    ],
    name: `${base}_dequantized`,
    axis: perChannel ? 0 : undefined,
  };
}

function qdqNode(opType: string, inputs: string[], output: string, name: string, axis?: number): OnnxNode {
  return {
    name,
    opType,
    domain: '',
    inputs,
    outputs: [output],
    attributes: axis === undefined ? [] : [{ name: 'axis', value: { type: 'int', value: axis } }],
    unknown: [],
  };
}
