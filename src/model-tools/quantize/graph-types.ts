import type { OnnxGraph, OnnxNode, OnnxTensor } from '../../onnx/model.js';

/**
 * The element type of every tensor in a graph, propagated in node order from the inputs,
 * initializers and Constant nodes: calibration may only ask ONNX Runtime for float outputs, and a
 * model's value_info rarely lists them all. Unknown ops pass their first input's type through,
 * which is right for the ops CNN exports use (Conv, Relu, Reshape, Concat, Resize, Add...).
 */

const FLOAT32 = 1;
const INT64 = 7;
const BOOL = 9;

/** Ops whose outputs are always int64 (indices, shapes) or bool (comparisons). */
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);
const BOOL_OPS = new Set([
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);

/**
 * TensorProto data types by tensor name (0 where nothing tells).
 * @example tensorTypes(model.graph).get('images') // 1 (float32)
 */
export function tensorTypes(graph: OnnxGraph): Map<string, number> {
  const types = new Map<string, number>();
  for (const i of graph.inputs) types.set(i.name, i.elemType);
  for (const t of graph.initializers) types.set(t.name, t.dataType);
  for (const v of [...graph.valueInfo, ...graph.outputs]) if (v.elemType !== 0) types.set(v.name, v.elemType);
  for (const n of graph.nodes) {
    n.outputs.forEach((out, k) => {
      if (out !== '' && !types.has(out)) types.set(out, outputType(n, k, types));
    });
  }
  return types;
}

function outputType(n: OnnxNode, k: number, types: ReadonlyMap<string, number>): number {
  if (n.domain !== '' && n.domain !== 'ai.onnx') return 0;
  if (INT64_OPS.has(n.opType)) return INT64;
  if (BOOL_OPS.has(n.opType)) return BOOL;
  if (n.opType === 'TopK' && k === 1) return INT64;
  if (n.opType === 'Constant') {
    const v = n.attributes.find((a) => a.name === 'value')?.value;
    return v?.type === 'tensor' ? v.value.dataType : 0;
  }
  if (n.opType === 'Cast') {
    const to = n.attributes.find((a) => a.name === 'to')?.value;
    return to?.type === 'int' ? to.value : 0;
  }
  if (n.opType === 'QuantizeLinear') return types.get(n.inputs[2] ?? '') ?? 2;
  if (n.opType === 'DequantizeLinear') return FLOAT32;
  return types.get(n.inputs[0] ?? '') ?? 0;
}

/** Raw-data tensor constructors for the quantizer's new initializers. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return raw(name, dims, 1, new Uint8Array(Float32Array.from(values).buffer));
}

export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return raw(name, dims, 2, Uint8Array.from(values));
}

export function int8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return raw(name, dims, 3, new Uint8Array(Int8Array.from(values).buffer));
}

export function int32Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return raw(name, dims, 6, new Uint8Array(Int32Array.from(values).buffer));
}

function raw(name: string, dims: number[], dataType: number, rawData: Uint8Array): OnnxTensor {
  return { name, dims, dataType, rawData, external: false, unknown: [] };
}
