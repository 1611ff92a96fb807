import { encodeOnnxModel } from '../../src/onnx/encode.js';
import {
  emptyGraph,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxDtypeName,
  type OnnxModel,
  type OnnxTensor,
  onnxDtype,
} from '../../src/onnx/model.js';

/**
 * Builds small ONNX graphs in tests and benchmarks, on top of edgecam's own ONNX writer, so no
 * model file is downloaded or committed: `const g = new GraphBuilder(); const y = g.node('Relu', [x]);`.
 */

/** A float attribute whose value happens to be whole (alpha: 1.0), which `number` would make an int. */
export interface FloatAttr {
  readonly float: number;
}
export type AttrInput = number | number[] | string | FloatAttr | { floats: number[] } | OnnxTensor;

export class GraphBuilder {
  readonly model: OnnxModel;
  private counter = 0;

  constructor(name = 'test', opset = 13) {
    this.model = {
      irVersion: 8,
      opsetImports: [{ domain: '', version: opset }],
      producerName: 'edgecam-tests',
      producerVersion: '1',
      graph: emptyGraph(name),
      metadata: {},
      unknown: [],
    };
  }

  /** Declares a graph input; returns its name. */
  input(name: string, dtype: OnnxDtypeName, shape: OnnxDim[] | undefined): string {
    this.model.graph.inputs.push({ name, elemType: onnxDtype(dtype), shape, unknown: [] });
    return name;
  }

  /** Declares a graph output. */
  output(name: string, dtype: OnnxDtypeName, shape?: OnnxDim[]): void {
    this.model.graph.outputs.push({ name, elemType: onnxDtype(dtype), shape, unknown: [] });
  }

  /** Adds a constant weight tensor (raw_data); returns its name. */
  initializer(name: string, dtype: OnnxDtypeName, dims: number[], values: ArrayLike<number>): string {
    this.model.graph.initializers.push(tensor(name, dtype, dims, values));
    return name;
  }

  /** Adds a node with one output; returns the output's name. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrInput> = {}, domain = ''): string {
    return this.nodeOutputs(opType, inputs, 1, attrs, domain)[0]!;
  }

  /** Adds a node with `count` outputs; returns their names. */
  nodeOutputs(
    opType: string,
    inputs: string[],
    count: number,
    attrs: Record<string, AttrInput> = {},
    domain = '',
  ): string[] {
    const id = this.counter++;
    const outputs = Array.from({ length: count }, (_, i) => `${opType.toLowerCase()}_${id}_${i}`);
    this.model.graph.nodes.push({
      name: `${opType}_${id}`,
      opType,
      domain,
      inputs,
      outputs,
      attributes: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
      unknown: [],
    });
    return outputs;
  }

  /** Renames a node output (the last node that wrote `from`) so that it becomes `to`. */
  rename(from: string, to: string): string {
    for (const n of this.model.graph.nodes) {
      n.outputs = n.outputs.map((o) => (o === from ? to : o));
      n.inputs = n.inputs.map((i) => (i === from ? to : i));
    }
    return to;
  }

  /** The model's ONNX bytes. */
  bytes(): Uint8Array {
    return encodeOnnxModel(this.model);
  }
}

/** A tensor holding `values` as raw little-endian data. */
export function tensor(
  name: string,
  dtype: OnnxDtypeName,
  dims: number[],
  values: ArrayLike<number>,
): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims}]`);
  let raw: Uint8Array;
  switch (dtype) {
    case 'float32':
      raw = new Uint8Array(Float32Array.from(values).buffer);
      break;
    case 'uint8':
      raw = Uint8Array.from(values);
      break;
    case 'int8':
      raw = new Uint8Array(Int8Array.from(values).buffer);
      break;
    case 'int32':
      raw = new Uint8Array(Int32Array.from(values).buffer);
      break;
    case 'int64':
      raw = new Uint8Array(BigInt64Array.from(Array.from(values), (v) => BigInt(v)).buffer);
      break;
    default:
      throw new Error(`tensor: ${dtype} is not supported by the test builder`);
  }
  return { name, dims, dataType: onnxDtype(dtype), rawData: raw, external: false, unknown: [] };
}

function attribute(name: string, v: AttrInput): OnnxAttribute {
  if (typeof v === 'number') {
    return { name, value: Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v } };
  }
  if (typeof v === 'string') return { name, value: { type: 'string', value: v } };
  if (Array.isArray(v)) {
    return {
      name,
      value: v.every(Number.isInteger) ? { type: 'ints', value: v } : { type: 'floats', value: v },
    };
  }
  if ('float' in v) return { name, value: { type: 'float', value: v.float } };
  if ('floats' in v) return { name, value: { type: 'floats', value: v.floats } };
  return { name, value: { type: 'tensor', value: v } };
}
