import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor } from '../../onnx/model.js';
import { tensorTypes } from './graph-types.js';

/**
 * Which tensors and nodes the QDQ rewrite (qdq.ts) quantizes: weighted ops (Conv, Gemm, MatMul)
 * always, the ops that follow them while their inputs stay quantized, and a Relu folded into its
 * producer's range. Decided in one pass in graph order, so a node's producers are planned first.
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
const WEIGHTED_OPS = new Set<string>(QDQ_WEIGHTED_OPS);
const FOLLOWING_OPS = new Set<string>(QDQ_FOLLOWING_OPS);
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

/** The names of a quantized tensor's scale and zero point initializers. */
export interface QParams {
  scale: string;
  zeroPoint: string;
  /** Its own pair of initializers (false: borrows its input's, for data movement). */
  own: boolean;
}

/** What the rewrite quantizes. */
export interface QdqPlan {
  /** Activations that get a QuantizeLinear/DequantizeLinear pair. */
  readonly tensors: Map<string, QParams>;
  /** Quantized nodes and why (a Relu folded into a quantized range counts as 'relu'). */
  readonly nodes: Map<OnnxNode, 'weighted' | 'following' | 'relu'>;
}

/**
 * Plans the quantisation of a float graph; `exclude` names op types or node names to keep in float.
 * @example const plan = planQdq(model.graph, initializersByName, ['Resize'])
 */
export function planQdq(
  g: OnnxGraph,
  inits: ReadonlyMap<string, OnnxTensor>,
  exclude: readonly string[],
): QdqPlan {
  const planner = new QdqPlanner(g, inits, exclude);
  for (const n of g.nodes) planner.visit(n);
  return planner.plan;
}

class QdqPlanner {
  readonly plan: QdqPlan = { tensors: new Map(), nodes: new Map() };
  readonly #inits: ReadonlyMap<string, OnnxTensor>;
  readonly #types: Map<string, number>;
  readonly #constants: Set<string>;
  readonly #graphOutputs: Set<string>;
  readonly #consumers = new Map<string, OnnxNode[]>();
  readonly #excluded: Set<string>;

  constructor(g: OnnxGraph, inits: ReadonlyMap<string, OnnxTensor>, exclude: readonly string[]) {
    this.#inits = inits;
    this.#types = tensorTypes(g);
    this.#constants = new Set(inits.keys());
    for (const n of g.nodes) if (n.opType === 'Constant') for (const o of n.outputs) this.#constants.add(o);
    this.#graphOutputs = new Set(g.outputs.map((o) => o.name));
    for (const n of g.nodes) {
      for (const i of n.inputs) this.#consumers.set(i, [...(this.#consumers.get(i) ?? []), n]);
    }
    this.#excluded = new Set(exclude);
  }

  /** Plans one node; its producers have been visited. */
  visit(n: OnnxNode): void {
    if (this.#excluded.has(n.opType) || this.#excluded.has(n.name)) return;
    if (n.domain !== '' && n.domain !== 'ai.onnx') return;
    if (WEIGHTED_OPS.has(n.opType) && weightOf(n, this.#inits) !== undefined) this.#weighted(n);
    else if (FOLLOWING_OPS.has(n.opType)) this.#following(n);
  }

  #weighted(n: OnnxNode): void {
    const x = n.inputs[0]!;
    if (!this.#isActivation(x)) return;
    this.plan.nodes.set(n, 'weighted');
    if (!this.plan.tensors.has(x)) this.plan.tensors.set(x, ownParams(x));
    this.#quantizeOutput(n, ownParams);
  }

  #following(n: OnnxNode): void {
    const quantized = this.plan.tensors;
    const data = ALL_INPUTS_OPS.has(n.opType) ? n.inputs : n.inputs.slice(0, 1);
    if (data.length === 0 || !data.every((i) => this.#isActivation(i)) || !data.some((i) => quantized.has(i)))
      return;
    // Add and Concat take a float input too (a Resize kept in float): it gets its own pair.
    if (!data.every((i) => quantized.has(i))) {
      if (!ALL_INPUTS_OPS.has(n.opType)) return;
      for (const i of data) if (!quantized.has(i)) quantized.set(i, ownParams(i));
    }
    this.plan.nodes.set(n, 'following');
    const input = quantized.get(data[0]!)!;
    this.#quantizeOutput(n, SAME_SCALE_OPS.has(n.opType) ? () => ({ ...input, own: false }) : ownParams);
  }

  /** Quantizes a node's output, or the output of the Relu folded into it. */
  #quantizeOutput(n: OnnxNode, params: (name: string) => QParams): void {
    const out = n.outputs[0]!;
    const relu = this.#foldableRelu(out);
    if (relu !== undefined && RELU_FOLDING_OPS.has(n.opType) && !this.#graphOutputs.has(out)) {
      this.plan.nodes.set(relu, 'relu');
      const reluOut = relu.outputs[0]!;
      if (!this.#graphOutputs.has(reluOut)) this.plan.tensors.set(reluOut, ownParams(reluOut));
      return;
    }
    if (!this.#graphOutputs.has(out) && this.#isActivation(out)) this.plan.tensors.set(out, params(out));
  }

  /** The Relu that is the only reader of `out`, unless Relu or that node is excluded. */
  #foldableRelu(out: string): OnnxNode | undefined {
    const next = this.#consumers.get(out) ?? [];
    if (next.length !== 1 || next[0]!.opType !== 'Relu') return undefined;
    const relu = next[0]!;
    return this.#excluded.has('Relu') || this.#excluded.has(relu.name) ? undefined : relu;
  }

  #isActivation(name: string): boolean {
    return name !== '' && !this.#constants.has(name) && this.#types.get(name) === 1;
  }
}

/** A tensor's own scale and zero point, named after it. */
function ownParams(name: string): QParams {
  return { scale: `${name}_scale`, zeroPoint: `${name}_zero_point`, own: true };
}

/** The weight initializer of a Conv, Gemm or MatMul node and its output-channel axis. */
export function weightOf(
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
