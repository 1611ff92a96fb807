/**
 * An ONNX model as plain objects: the parts of onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto) that inspecting, building and quantizing models need. Fields this
 * reader does not model are kept as raw bytes and written back unchanged, so decode -> edit ->
 * encode never loses what it did not understand. Field numbers: onnx/onnx.proto (IR version 10).
 */

/** TensorProto.DataType numbers and the names ONNX Runtime uses for them. */
export const ONNX_DTYPES = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
} as const satisfies Record<number, string>;

export type OnnxDtypeName = (typeof ONNX_DTYPES)[keyof typeof ONNX_DTYPES];

/** The DataType number of a dtype name: onnxDtype('float32') === 1. */
export function onnxDtype(name: OnnxDtypeName): number {
  for (const [k, v] of Object.entries(ONNX_DTYPES)) if (v === name) return Number(k);
  throw new RangeError(`unknown ONNX dtype ${name}`);
}

/** A dtype number's name ('dtype 99' for numbers this reader does not know). */
export function onnxDtypeName(dtype: number): string {
  return (ONNX_DTYPES as Record<number, string>)[dtype] ?? `dtype ${dtype}`;
}

export interface OnnxOpset {
  /** '' (or 'ai.onnx') is the standard operator set. */
  domain: string;
  version: number;
}

/** A tensor: dims and one of the data fields (raw_data, as exporters write, or a typed list). */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  /** External data (weights in a side file) is recorded, not followed. */
  external: boolean;
  unknown: Uint8Array[];
}

/** A dimension: a number, a symbolic name ('batch'), or undefined when the model says nothing. */
export type OnnxDim = number | string | undefined;

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType of a tensor value; 0 when the value is not a tensor (a sequence, a map). */
  elemType: number;
  /** undefined when the model gives no shape at all. */
  shape: OnnxDim[] | undefined;
  unknown: Uint8Array[];
}

export type OnnxAttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  /** Subgraphs (If, Loop, Scan) and other kinds travel as encoded AttributeProto bytes. */
  | { type: 'opaque'; value: Uint8Array };

export interface OnnxAttribute {
  name: string;
  value: OnnxAttributeValue;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  unknown: Uint8Array[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  unknown: Uint8Array[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImports: OnnxOpset[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
  metadata: Record<string, string>;
  unknown: Uint8Array[];
}

/** A graph with nothing in it. */
export function emptyGraph(name = ''): OnnxGraph {
  return { name, nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [], unknown: [] };
}

/** AttributeProto.AttributeType numbers of the attribute kinds modelled above. */
export const ATTRIBUTE_TYPES = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

/**
 * A tensor's values as numbers, whichever field holds them (raw_data little-endian or a typed list).
 * @example tensorValues(model.graph.initializers[0]) // Float32Array for a float weight
 */
export function tensorValues(
  t: OnnxTensor,
): Float32Array | Int32Array | Uint8Array | Int8Array | Float64Array {
  const raw = t.rawData;
  if (raw !== undefined) {
    const copy = raw.slice(); // aligned copy: raw_data can start at any byte offset in the file
    switch (t.dataType) {
      case 1:
        return new Float32Array(copy.buffer);
      case 2:
        return copy;
      case 3:
        return new Int8Array(copy.buffer);
      case 6:
        return new Int32Array(copy.buffer);
      case 7:
        return Float64Array.from(new BigInt64Array(copy.buffer), Number);
      case 11:
        return new Float64Array(copy.buffer);
    }
    throw new RangeError(`tensorValues: ${onnxDtypeName(t.dataType)} raw data is not supported`);
  }
  switch (t.dataType) {
    case 1:
      return Float32Array.from(t.floatData ?? []);
    case 2:
      return Uint8Array.from(t.int32Data ?? []);
    case 3:
      return Int8Array.from(t.int32Data ?? []);
    case 6:
      return Int32Array.from(t.int32Data ?? []);
    case 7:
      return Float64Array.from(t.int64Data ?? []);
    case 11:
      return Float64Array.from(t.doubleData ?? []);
  }
  throw new RangeError(`tensorValues: ${onnxDtypeName(t.dataType)} tensors are not supported`);
}
