import { describe, expect, it } from 'vitest';
import { decodeOnnxModel } from '../../../src/onnx/decode.js';
import { encodeOnnxModel } from '../../../src/onnx/encode.js';
import { tensorValues } from '../../../src/onnx/model.js';
import { ProtoWriter, readFields } from '../../../src/onnx/protobuf.js';
import { GraphBuilder } from '../../onnx-builder/builder.js';

describe('the ONNX reader and writer', () => {
  it('round-trips a graph: nodes, attributes of every kind, initializers, shapes, opsets', () => {
    const g = new GraphBuilder('round', 17);
    const x = g.input('x', 'float32', ['batch', 3, 8, 8]);
    const w = g.initializer('w', 'float32', [2, 3, 1, 1], [1, 2, 3, 4, 5, 6]);
    const y = g.node('Conv', [x, w], { strides: [1, 1], auto_pad: 'NOTSET', group: 1, alpha: { float: 1 } });
    g.output(y, 'float32', ['batch', 2, 8, 8]);
    g.initializer('neg', 'int64', [2], [-1, 5]);
    const bytes = g.bytes();
    const model = decodeOnnxModel(bytes);
    expect(model.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.inputs[0]).toMatchObject({ name: 'x', elemType: 1, shape: ['batch', 3, 8, 8] });
    const node = model.graph.nodes[0]!;
    expect(node.opType).toBe('Conv');
    expect(node.attributes.map((a) => [a.name, a.value.type, a.value.value])).toEqual([
      ['strides', 'ints', [1, 1]],
      ['auto_pad', 'string', 'NOTSET'],
      ['group', 'int', 1],
      ['alpha', 'float', 1],
    ]);
    expect(Array.from(tensorValues(model.graph.initializers[0]!))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(tensorValues(model.graph.initializers[1]!))).toEqual([-1, 5]);
    // Encoding what was decoded gives the same bytes.
    expect(encodeOnnxModel(model)).toEqual(bytes);
  });

  it('keeps fields it does not model', () => {
    const g = new GraphBuilder();
    g.output(g.node('Relu', [g.input('x', 'float32', [1])]), 'float32', [1]);
    const extra = new ProtoWriter().string(6, 'a doc string').finish(); // ModelProto.doc_string
    const bytes = new Uint8Array([...g.bytes(), ...extra]);
    const again = encodeOnnxModel(decodeOnnxModel(bytes));
    expect([...readFields(again)].some((f) => f.field === 6)).toBe(true);
  });

  it('negative int64 varints survive (10-byte two-complement)', () => {
    const w = new ProtoWriter().varint(1, -2).finish();
    expect(w.length).toBe(11);
    expect([...readFields(w)][0]!.num).toBe(-2);
  });

  it('rejects truncated bytes and files that are not ONNX', () => {
    const bytes = new GraphBuilder().bytes();
    expect(() => decodeOnnxModel(bytes.subarray(0, bytes.length - 3))).toThrow(RangeError);
    expect(() => decodeOnnxModel(new TextEncoder().encode('<html>404</html>'))).toThrow(RangeError);
  });
});
