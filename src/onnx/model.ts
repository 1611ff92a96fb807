import {
  bitsToFloat,
  decodeString,
  type ProtoField,
  ProtoWriter,
  readFields,
  readPackedDoubles,
  readPackedFloats,
  readPackedVarints,
} from './protobuf.js';

/**
 * An ONNX model as plain objects: the parts of onnx.proto (ModelProto, GraphProto, NodeProto,
 * TensorProto, ValueInfoProto) that inspecting, building and quantizing models need. Fields this
 * reader does not model are kept as raw bytes and written back unchanged, so decode -> edit ->
 * encode never loses what it did not understand. Field numbers: onnx/onnx.proto (IR version 10).
 */

const utf8 = new TextEncoder();

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

/**
 * Parses an ONNX file's bytes. Throws a RangeError when the bytes are not a well-formed protobuf
 * (a truncated download, an HTML error page saved as model.onnx) or hold no graph.
 * @example const model = decodeOnnxModel(readFileSync('model.onnx')); model.graph.nodes.length
 */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const model: OnnxModel = {
    irVersion: 0,
    opsetImports: [],
    producerName: '',
    producerVersion: '',
    graph: emptyGraph(),
    metadata: {},
    unknown: [],
  };
  let sawGraph = false;
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        model.irVersion = f.num;
        break;
      case 2:
        model.producerName = decodeString(f.bytes);
        break;
      case 3:
        model.producerVersion = decodeString(f.bytes);
        break;
      case 7:
        model.graph = decodeGraph(f.bytes);
        sawGraph = true;
        break;
      case 8:
        model.opsetImports.push(decodeOpset(f.bytes));
        break;
      case 14: {
        let key = '';
        let value = '';
        for (const g of readFields(f.bytes)) {
          if (g.field === 1) key = decodeString(g.bytes);
          else if (g.field === 2) value = decodeString(g.bytes);
        }
        model.metadata[key] = value;
        break;
      }
      default:
        model.unknown.push(f.raw);
    }
  }
  if (!sawGraph || model.irVersion === 0)
    throw new RangeError('no ONNX graph (ir_version and graph missing)');
  return model;
}

/**
 * Encodes a model to ONNX bytes (the inverse of decodeOnnxModel).
 * @example writeFileSync('model.onnx', encodeOnnxModel(model))
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(3, model.producerVersion);
  w.message(7, (g) => encodeGraph(g, model.graph));
  for (const o of model.opsetImports) {
    w.message(8, (m) => {
      m.string(1, o.domain);
      m.varint(2, o.version);
    });
  }
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, (m) => {
      m.string(1, key);
      m.string(2, value);
    });
  }
  for (const u of model.unknown) w.raw(u);
  return w.finish();
}

/** A graph with nothing in it. */
export function emptyGraph(name = ''): OnnxGraph {
  return { name, nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [], unknown: [] };
}

function decodeOpset(bytes: Uint8Array): OnnxOpset {
  const o: OnnxOpset = { domain: '', version: 0 };
  for (const f of readFields(bytes)) {
    if (f.field === 1) o.domain = decodeString(f.bytes);
    else if (f.field === 2) o.version = f.num;
  }
  return o;
}

function decodeGraph(bytes: Uint8Array): OnnxGraph {
  const g = emptyGraph();
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        g.nodes.push(decodeNode(f.bytes));
        break;
      case 2:
        g.name = decodeString(f.bytes);
        break;
      case 5:
        g.initializers.push(decodeTensor(f.bytes));
        break;
      case 11:
        g.inputs.push(decodeValueInfo(f.bytes));
        break;
      case 12:
        g.outputs.push(decodeValueInfo(f.bytes));
        break;
      case 13:
        g.valueInfo.push(decodeValueInfo(f.bytes));
        break;
      default:
        g.unknown.push(f.raw);
    }
  }
  return g;
}

function encodeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => encodeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => encodeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => encodeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => encodeValueInfo(m, v));
  for (const v of g.valueInfo) w.message(13, (m) => encodeValueInfo(m, v));
  for (const u of g.unknown) w.raw(u);
}

function decodeNode(bytes: Uint8Array): OnnxNode {
  const n: OnnxNode = {
    name: '',
    opType: '',
    domain: '',
    inputs: [],
    outputs: [],
    attributes: [],
    unknown: [],
  };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        n.inputs.push(decodeString(f.bytes));
        break;
      case 2:
        n.outputs.push(decodeString(f.bytes));
        break;
      case 3:
        n.name = decodeString(f.bytes);
        break;
      case 4:
        n.opType = decodeString(f.bytes);
        break;
      case 5:
        n.attributes.push(decodeAttribute(f));
        break;
      case 7:
        n.domain = decodeString(f.bytes);
        break;
      default:
        n.unknown.push(f.raw);
    }
  }
  return n;
}

function encodeNode(w: ProtoWriter, n: OnnxNode): void {
  // Inputs keep their positions: an empty name is an omitted optional input, still written.
  for (const i of n.inputs) w.bytes(1, utf8.encode(i));
  for (const o of n.outputs) w.bytes(2, utf8.encode(o));
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) {
    if (a.value.type === 'opaque') w.bytes(5, a.value.value);
    else w.message(5, (m) => encodeAttribute(m, a));
  }
  w.string(7, n.domain);
  for (const u of n.unknown) w.raw(u);
}

// AttributeProto.AttributeType numbers.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_TENSOR = 4;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

function decodeAttribute(field: ProtoField): OnnxAttribute {
  let name = '';
  let type = 0;
  let f32 = 0;
  let i64 = 0;
  let s = '';
  let t: OnnxTensor | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  for (const f of readFields(field.bytes)) {
    switch (f.field) {
      case 1:
        name = decodeString(f.bytes);
        break;
      case 2:
        f32 = bitsToFloat(f.num);
        break;
      case 3:
        i64 = f.num;
        break;
      case 4:
        s = decodeString(f.bytes);
        break;
      case 5:
        t = decodeTensor(f.bytes);
        break;
      case 7:
        readPackedFloats(f, floats);
        break;
      case 8:
        readPackedVarints(f, ints);
        break;
      case 9:
        strings.push(decodeString(f.bytes));
        break;
      case 20:
        type = f.num;
        break;
    }
  }
  const opaque: OnnxAttribute = { name, value: { type: 'opaque', value: field.bytes } };
  switch (type) {
    case ATTR_FLOAT:
      return { name, value: { type: 'float', value: f32 } };
    case ATTR_INT:
      return { name, value: { type: 'int', value: i64 } };
    case ATTR_STRING:
      return { name, value: { type: 'string', value: s } };
    case ATTR_TENSOR:
      return t === undefined ? opaque : { name, value: { type: 'tensor', value: t } };
    case ATTR_FLOATS:
      return { name, value: { type: 'floats', value: floats } };
    case ATTR_INTS:
      return { name, value: { type: 'ints', value: ints } };
    case ATTR_STRINGS:
      return { name, value: { type: 'strings', value: strings } };
    default:
      return opaque;
  }
}

function encodeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  const v = a.value;
  switch (v.type) {
    case 'float':
      w.float(2, v.value).varint(20, ATTR_FLOAT);
      break;
    case 'int':
      w.varint(3, v.value).varint(20, ATTR_INT);
      break;
    case 'string':
      w.bytes(4, utf8.encode(v.value)).varint(20, ATTR_STRING);
      break;
    case 'tensor':
      w.message(5, (m) => encodeTensor(m, v.value)).varint(20, ATTR_TENSOR);
      break;
    case 'floats':
      w.packedFloats(7, v.value).varint(20, ATTR_FLOATS);
      break;
    case 'ints':
      w.packedVarints(8, v.value).varint(20, ATTR_INTS);
      break;
    case 'strings':
      for (const s of v.value) w.bytes(9, utf8.encode(s));
      w.varint(20, ATTR_STRINGS);
      break;
    case 'opaque':
      throw new Error('opaque attributes are written whole by encodeNode');
  }
}

function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, external: false, unknown: [] };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        readPackedVarints(f, t.dims);
        break;
      case 2:
        t.dataType = f.num;
        break;
      case 4:
        t.floatData ??= [];
        readPackedFloats(f, t.floatData);
        break;
      case 5:
        t.int32Data ??= [];
        readPackedVarints(f, t.int32Data);
        break;
      case 7:
        t.int64Data ??= [];
        readPackedVarints(f, t.int64Data);
        break;
      case 8:
        t.name = decodeString(f.bytes);
        break;
      case 9:
        t.rawData = f.bytes;
        break;
      case 10:
        t.doubleData ??= [];
        readPackedDoubles(f, t.doubleData);
        break;
      case 14:
        t.external = f.num === 1;
        t.unknown.push(f.raw);
        break;
      default:
        t.unknown.push(f.raw);
    }
  }
  return t;
}

function encodeTensor(w: ProtoWriter, t: OnnxTensor): void {
  w.packedVarints(1, t.dims);
  w.varint(2, t.dataType);
  if (t.floatData) w.packedFloats(4, t.floatData);
  if (t.int32Data) w.packedVarints(5, t.int32Data);
  if (t.int64Data) w.packedVarints(7, t.int64Data);
  w.string(8, t.name);
  if (t.rawData) w.bytes(9, t.rawData);
  if (t.doubleData) {
    w.bytes(10, new Uint8Array(Float64Array.from(t.doubleData).buffer));
  }
  for (const u of t.unknown) w.raw(u);
}

function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, shape: undefined, unknown: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1) v.name = decodeString(f.bytes);
    else if (f.field === 2) {
      // TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1) -> dim_value (1) | dim_param (2).
      for (const tf of readFields(f.bytes)) {
        if (tf.field !== 1) continue;
        for (const tt of readFields(tf.bytes)) {
          if (tt.field === 1) v.elemType = tt.num;
          else if (tt.field === 2) {
            const shape: OnnxDim[] = [];
            for (const d of readFields(tt.bytes)) {
              if (d.field !== 1) continue;
              let dim: OnnxDim;
              for (const dv of readFields(d.bytes)) {
                if (dv.field === 1) dim = dv.num;
                else if (dv.field === 2) dim = decodeString(dv.bytes);
              }
              shape.push(dim);
            }
            v.shape = shape;
          }
        }
      }
    } else v.unknown.push(f.raw);
  }
  return v;
}

function encodeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => {
    type.message(1, (tensor) => {
      tensor.varint(1, v.elemType);
      const shape = v.shape;
      if (shape !== undefined) {
        tensor.message(2, (s) => {
          for (const d of shape) {
            s.message(1, (dim) => {
              if (typeof d === 'number') dim.varint(1, d);
              else if (typeof d === 'string') dim.string(2, d);
            });
          }
        });
      }
    });
  });
  for (const u of v.unknown) w.raw(u);
}

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
