import {
  ATTRIBUTE_TYPES,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model.js';
import { ProtoWriter } from './protobuf.js';

/** ONNX model objects to protobuf bytes; field numbers: onnx/onnx.proto (IR version 10). */

const utf8 = new TextEncoder();

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

function encodeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => encodeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => encodeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => encodeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => encodeValueInfo(m, v));
  for (const v of g.valueInfo) w.message(13, (m) => encodeValueInfo(m, v));
  for (const u of g.unknown) w.raw(u);
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

function encodeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  const v = a.value;
  switch (v.type) {
    case 'float':
      w.float(2, v.value).varint(20, ATTRIBUTE_TYPES.float);
      break;
    case 'int':
      w.varint(3, v.value).varint(20, ATTRIBUTE_TYPES.int);
      break;
    case 'string':
      w.bytes(4, utf8.encode(v.value)).varint(20, ATTRIBUTE_TYPES.string);
      break;
    case 'tensor':
      w.message(5, (m) => encodeTensor(m, v.value)).varint(20, ATTRIBUTE_TYPES.tensor);
      break;
    case 'floats':
      w.packedFloats(7, v.value).varint(20, ATTRIBUTE_TYPES.floats);
      break;
    case 'ints':
      w.packedVarints(8, v.value).varint(20, ATTRIBUTE_TYPES.ints);
      break;
    case 'strings':
      for (const s of v.value) w.bytes(9, utf8.encode(s));
      w.varint(20, ATTRIBUTE_TYPES.strings);
      break;
    case 'opaque':
      throw new Error('opaque attributes are written whole by encodeNode');
  }
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
