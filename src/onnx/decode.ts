import {
  ATTRIBUTE_TYPES,
  emptyGraph,
  type OnnxAttribute,
  type OnnxAttributeValue,
  type OnnxDim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxOpset,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model.js';
import {
  bitsToFloat,
  decodeString,
  type ProtoField,
  readFields,
  readPackedDoubles,
  readPackedFloats,
  readPackedVarints,
} from './protobuf.js';

/** Protobuf bytes to ONNX model objects; field numbers: onnx/onnx.proto (IR version 10). */

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

/** An AttributeProto's fields as read; `type` says which one holds the value. */
interface AttributeFields {
  name: string;
  type: number;
  f: number;
  i: number;
  s: string;
  t: OnnxTensor | undefined;
  floats: number[];
  ints: number[];
  strings: string[];
}

function decodeAttribute(field: ProtoField): OnnxAttribute {
  const a = readAttributeFields(field.bytes);
  return { name: a.name, value: attributeValue(a) ?? { type: 'opaque', value: field.bytes } };
}

function readAttributeFields(bytes: Uint8Array): AttributeFields {
  const a: AttributeFields = {
    name: '',
    type: 0,
    f: 0,
    i: 0,
    s: '',
    t: undefined,
    floats: [],
    ints: [],
    strings: [],
  };
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 1:
        a.name = decodeString(f.bytes);
        break;
      case 2:
        a.f = bitsToFloat(f.num);
        break;
      case 3:
        a.i = f.num;
        break;
      case 4:
        a.s = decodeString(f.bytes);
        break;
      case 5:
        a.t = decodeTensor(f.bytes);
        break;
      case 7:
        readPackedFloats(f, a.floats);
        break;
      case 8:
        readPackedVarints(f, a.ints);
        break;
      case 9:
        a.strings.push(decodeString(f.bytes));
        break;
      case 20:
        a.type = f.num;
        break;
    }
  }
  return a;
}

/** The value of the kind `type` names; undefined for kinds kept opaque (subgraphs, sparse tensors). */
function attributeValue(a: AttributeFields): OnnxAttributeValue | undefined {
  switch (a.type) {
    case ATTRIBUTE_TYPES.float:
      return { type: 'float', value: a.f };
    case ATTRIBUTE_TYPES.int:
      return { type: 'int', value: a.i };
    case ATTRIBUTE_TYPES.string:
      return { type: 'string', value: a.s };
    case ATTRIBUTE_TYPES.tensor:
      return a.t === undefined ? undefined : { type: 'tensor', value: a.t };
    case ATTRIBUTE_TYPES.floats:
      return { type: 'floats', value: a.floats };
    case ATTRIBUTE_TYPES.ints:
      return { type: 'ints', value: a.ints };
    case ATTRIBUTE_TYPES.strings:
      return { type: 'strings', value: a.strings };
    default:
      return undefined;
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

function decodeValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, shape: undefined, unknown: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1) v.name = decodeString(f.bytes);
    else if (f.field === 2) decodeTensorType(f.bytes, v);
    else v.unknown.push(f.raw);
  }
  return v;
}

/** TypeProto.tensor_type (1) -> elem_type (1), shape (2); a sequence or a map leaves elemType 0. */
function decodeTensorType(bytes: Uint8Array, v: OnnxValueInfo): void {
  for (const tf of readFields(bytes)) {
    if (tf.field !== 1) continue;
    for (const tt of readFields(tf.bytes)) {
      if (tt.field === 1) v.elemType = tt.num;
      else if (tt.field === 2) v.shape = decodeShape(tt.bytes);
    }
  }
}

/** TensorShapeProto: dim (1) -> dim_value (1) | dim_param (2); a dim with neither is undefined. */
function decodeShape(bytes: Uint8Array): OnnxDim[] {
  const shape: OnnxDim[] = [];
  for (const d of readFields(bytes)) {
    if (d.field !== 1) continue;
    let dim: OnnxDim;
    for (const dv of readFields(d.bytes)) {
      if (dv.field === 1) dim = dv.num;
      else if (dv.field === 2) dim = decodeString(dv.bytes);
    }
    shape.push(dim);
  }
  return shape;
}
