import type { OnnxAttribute, OnnxModel, OnnxNode, OnnxTensor } from '../../onnx/model.js';
import { tensorValues } from '../../onnx/model.js';
import { floatTensor, int8Tensor, int32Tensor, tensorTypes, uint8Tensor } from './graph-types.js';
import type { ActivationRanges } from './ranges.js';

/**
 * Static int8 quantisation in QDQ form, the layout ONNX Runtime's own quantizer writes: each
 * quantized activation gets QuantizeLinear -> DequantizeLinear (uint8, asymmetric, from the
 * calibrated range), weights become int8 (symmetric; per output channel with perChannel) behind a
 * DequantizeLinear, and biases int32 at scale input x weight. The graph still computes in float
 * as written; ONNX Runtime fuses DQ -> Conv -> Q into QLinearConv (and the like) when it loads it.
 * Ref: https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html
 */

/** Ops with weights: their activation input and output are quantized, their weights int8. */
export const QDQ_WEIGHTED_OPS = ['Conv', 'Gemm', 'MatMul'] as const;
/**
 * Ops quantized when every data input already is (they follow their producers): ORT runs Add and
 * Concat as QLinearAdd / QLinearConcat, and moves int8 through the rest. The others (Exp,
 * Sigmoid, Softmax, Mul, a decode head's arithmetic) stay float, so a detector's box and score
 * outputs keep their precision.
 */
export const QDQ_FOLLOWING_OPS = [
  'Add',
  'Concat',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Resize',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
] as const;
/** Data movement: the output keeps the input's scale and zero point, so ORT drops the pair around it. */
const SAME_SCALE_OPS = new Set([
  'MaxPool',
  'Resize',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
]);
/** Ops whose every input is data (the others read only input 0; the rest are shapes, scales, roi). */
const ALL_INPUTS_OPS = new Set(['Add', 'Concat']);
/** A Relu after these is folded into the quantized range ([0, max], zero point 0); ORT then drops it. */
const RELU_FOLDING_OPS = new Set(['Conv', 'Gemm', 'MatMul', 'Add']);

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

interface QParams {
  scale: string;
  zeroPoint: string;
  /** Its own pair of initializers (false: borrows its input's, for data movement). */
  own: boolean;
}

/**
 * Rewrites a float model (in place) into int8 QDQ form with the calibrated activation ranges.
 * Throws a RangeError when a tensor that must be quantized has no range (calibrate the same model).
 * @example const summary = quantizeQdq(model, await calibrate(bytes, inputs), { perChannel: true, exclude: [] })
 */
export function quantizeQdq(model: OnnxModel, ranges: ActivationRanges, options: QdqOptions): QdqSummary {
  const g = model.graph;
  const types = tensorTypes(g);
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const constants = new Set(inits.keys());
  for (const n of g.nodes) if (n.opType === 'Constant') for (const o of n.outputs) constants.add(o);
  const graphOutputs = new Set(g.outputs.map((o) => o.name));
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const excluded = new Set(options.exclude);
  const weighted = new Set<string>(QDQ_WEIGHTED_OPS);
  const following = new Set<string>(QDQ_FOLLOWING_OPS);

  const isActivation = (name: string) => name !== '' && !constants.has(name) && types.get(name) === 1;
  const quantized = new Map<string, QParams>();
  const quantizedNodes = new Map<OnnxNode, 'weighted' | 'following' | 'relu'>();
  const own = (name: string): QParams => ({
    scale: `${name}_scale`,
    zeroPoint: `${name}_zero_point`,
    own: true,
  });
  const quantizeOutput = (n: OnnxNode, params: (name: string) => QParams) => {
    const out = n.outputs[0]!;
    const next = consumers.get(out) ?? [];
    const relu =
      next.length === 1 && next[0]!.opType === 'Relu' && !excluded.has('Relu') && !excluded.has(next[0]!.name)
        ? next[0]!
        : undefined;
    if (relu !== undefined && RELU_FOLDING_OPS.has(n.opType) && !graphOutputs.has(out)) {
      quantizedNodes.set(relu, 'relu');
      if (!graphOutputs.has(relu.outputs[0]!)) quantized.set(relu.outputs[0]!, own(relu.outputs[0]!));
      return;
    }
    if (!graphOutputs.has(out) && isActivation(out)) quantized.set(out, params(out));
  };

  for (const n of g.nodes) {
    if (excluded.has(n.opType) || excluded.has(n.name) || (n.domain !== '' && n.domain !== 'ai.onnx'))
      continue;
    if (weighted.has(n.opType) && weightOf(n, inits) !== undefined) {
      const x = n.inputs[0]!;
      if (!isActivation(x)) continue;
      quantizedNodes.set(n, 'weighted');
      if (!quantized.has(x)) quantized.set(x, own(x));
      quantizeOutput(n, own);
    } else if (following.has(n.opType)) {
      const data = ALL_INPUTS_OPS.has(n.opType) ? n.inputs : n.inputs.slice(0, 1);
      if (data.length === 0 || !data.every(isActivation) || !data.some((i) => quantized.has(i))) continue;
      // Add and Concat take a float input too (a Resize kept in float): it gets its own pair.
      if (!data.every((i) => quantized.has(i))) {
        if (!ALL_INPUTS_OPS.has(n.opType)) continue;
        for (const i of data) if (!quantized.has(i)) quantized.set(i, own(i));
      }
      quantizedNodes.set(n, 'following');
      const input = quantized.get(data[0]!)!;
      quantizeOutput(n, SAME_SCALE_OPS.has(n.opType) ? () => ({ ...input, own: false }) : own);
    }
  }

  const newInits: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];
  let serial = 0;
  const pair = (name: string) => {
    const p = quantized.get(name)!;
    if (p.own) {
      const r = ranges.get(name);
      if (r === undefined) throw new RangeError(`no calibrated range for ${name}: calibrate this model`);
      const { scale, zeroPoint } = uint8Params(r.min, r.max);
      newInits.push(floatTensor(p.scale, [], [scale]), uint8Tensor(p.zeroPoint, [], [zeroPoint]));
    }
    nodes.push(
      qdqNode('QuantizeLinear', [name, p.scale, p.zeroPoint], `${name}_quantized`, `${name}_QuantizeLinear`),
      qdqNode(
        'DequantizeLinear',
        [`${name}_quantized`, p.scale, p.zeroPoint],
        `${name}_dequantized`,
        `${name}_DequantizeLinear`,
      ),
    );
  };
  const weightDq = new Map<string, { name: string; scales: Float32Array }>();
  for (const i of g.inputs) if (quantized.has(i.name)) pair(i.name);
  for (const n of g.nodes) {
    const inputs = n.inputs.map((i) => (quantized.has(i) ? `${i}_dequantized` : i));
    if (quantizedNodes.get(n) === 'weighted') {
      const w = weightOf(n, inits)!;
      let dq = weightDq.get(w.tensor.name);
      if (dq === undefined) {
        const q = quantizeWeight(w.tensor, w.axis, options.perChannel);
        dq = { name: `${w.tensor.name}_dequantized`, scales: q.scales };
        weightDq.set(w.tensor.name, dq);
        newInits.push(...q.tensors);
        nodes.push(
          qdqNode(
            'DequantizeLinear',
            q.tensors.map((t) => t.name),
            dq.name,
            `${w.tensor.name}_DequantizeLinear`,
            q.axis,
          ),
        );
      }
      inputs[1] = dq.name;
      const biasName = n.inputs[2];
      const bias = biasName ? inits.get(biasName) : undefined;
      const x = quantized.get(n.inputs[0]!)!;
      if (bias !== undefined && bias.dataType === 1) {
        const xScale = ranges.get(x.own ? n.inputs[0]! : sourceOf(x))!;
        const inScale = uint8Params(xScale.min, xScale.max).scale;
        const b = quantizeBias(bias, inScale, dq.scales, serial++);
        newInits.push(...b.tensors);
        nodes.push(
          qdqNode(
            'DequantizeLinear',
            b.tensors.map((t) => t.name),
            b.name,
            `${b.name}_node`,
            b.axis,
          ),
        );
        inputs[2] = b.name;
      }
    }
    nodes.push({ ...n, inputs });
    for (const o of n.outputs) if (quantized.has(o)) pair(o);
  }

  g.nodes = nodes;
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const o of g.outputs) used.add(o.name);
  g.initializers = [...g.initializers.filter((t) => used.has(t.name)), ...newInits];
  const kept = new Set(g.initializers.map((t) => t.name));
  g.inputs = g.inputs.filter((i) => !inits.has(i.name) || kept.has(i.name));

  const counts: Record<string, number> = {};
  for (const n of quantizedNodes.keys()) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return { quantizedNodes: counts, quantizedTensors: quantized.size, weightTensors: weightDq.size };
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

/** The weight initializer of a Conv, Gemm or MatMul node and its output-channel axis. */
function weightOf(
  n: OnnxNode,
  inits: ReadonlyMap<string, OnnxTensor>,
): { tensor: OnnxTensor; axis: number } | undefined {
  const w = inits.get(n.inputs[1] ?? '');
  if (w === undefined || w.dataType !== 1 || w.external) return undefined;
  if (n.opType === 'Conv') return w.dims.length >= 3 ? { tensor: w, axis: 0 } : undefined;
  if (w.dims.length !== 2) return undefined;
  if (n.opType === 'MatMul') return { tensor: w, axis: 1 };
  if (intAttr(n.attributes, 'transA') !== 0) return undefined;
  return { tensor: w, axis: intAttr(n.attributes, 'transB') === 1 ? 0 : 1 };
}

function intAttr(attrs: readonly OnnxAttribute[], name: string): number {
  const v = attrs.find((a) => a.name === name)?.value;
  return v?.type === 'int' ? v.value : 0;
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
