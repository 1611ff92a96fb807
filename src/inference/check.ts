import type { OnnxDim } from '../onnx/model.js';
import type { InputSpec } from './manifest.js';

/** A model input or output as the backend (or the file) declares it. */
export interface ValueMeta {
  readonly name: string;
  /** onnxruntime's names: float32, uint8, int8, int32, ...; tfjs' for tfjs models. */
  readonly dtype: string;
  readonly shape: readonly OnnxDim[] | undefined;
}

/** The model input a manifest means: the one it names, else the first. */
export function manifestInput(spec: InputSpec, inputs: readonly ValueMeta[]): ValueMeta | undefined {
  return spec.name === undefined ? inputs[0] : inputs.find((i) => i.name === spec.name);
}

/**
 * Every way the manifest's input section disagrees with the model's declared input, as sentences
 * naming expected and actual values; empty when they agree. Symbolic dims (batch, height) agree
 * with anything. `acceptDtypes` lists model dtypes a manifest dtype may feed (tfjs takes uint8 as int32).
 * @example inputMismatches(manifest.input, session.inputs) // ["dtype: the manifest says uint8 but ..."]
 */
export function inputMismatches(
  spec: InputSpec,
  inputs: readonly ValueMeta[],
  acceptDtypes: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  const input = manifestInput(spec, inputs);
  if (input === undefined) {
    const names = inputs.map((i) => `'${i.name}'`).join(', ') || 'none';
    return [`input.name: the manifest names input '${spec.name}' but the model's inputs are ${names}`];
  }
  const problems: string[] = [];
  const okDtypes = acceptDtypes[spec.dtype] ?? [spec.dtype];
  if (!okDtypes.includes(input.dtype)) {
    problems.push(
      `input.dtype: the manifest says ${spec.dtype} but the model's input '${input.name}' is ${input.dtype}`,
    );
  }
  const shape = input.shape;
  const C = spec.colorOrder === 'GRAY' ? 1 : 3;
  const expected = spec.layout === 'NCHW' ? [1, C, spec.height, spec.width] : [1, spec.height, spec.width, C];
  const describeExpected = `${spec.layout} [${expected.join(', ')}] (width ${spec.width}, height ${spec.height}, ${spec.colorOrder})`;
  if (shape !== undefined) {
    const agrees =
      shape.length === 4 &&
      shape.every((d, i) => i === 0 || typeof d !== 'number' || d < 0 || d === expected[i]);
    if (!agrees) {
      problems.push(
        `input shape: the manifest expects ${describeExpected} but the model's input '${input.name}' has shape ${formatShape(shape)}` +
          layoutHint(spec, shape),
      );
    }
  }
  return problems;
}

/** Renders a declared shape: [1, 3, 'height', ?]. */
export function formatShape(shape: readonly OnnxDim[] | undefined): string {
  if (shape === undefined) return '(no shape)';
  return `[${shape.map((d) => (typeof d === 'number' && d >= 0 ? String(d) : typeof d === 'string' ? d : '?')).join(', ')}]`;
}

function layoutHint(spec: InputSpec, shape: readonly OnnxDim[]): string {
  if (shape.length !== 4) return '';
  const other = spec.layout === 'NCHW' ? 'NHWC' : 'NCHW';
  const cAt = spec.layout === 'NCHW' ? 3 : 1;
  const c = shape[cAt];
  return c === 1 || c === 3 ? ` (it looks ${other}: set input.layout to ${other})` : '';
}
