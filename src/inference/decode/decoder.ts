import type { OnnxDim } from '../../onnx/model.js';

/** One output tensor as a backend returns it: dims and values (row-major). */
export interface OutputTensor {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A model's outputs by name, in the model's order. */
export type ModelOutputs = ReadonlyMap<string, OutputTensor>;

/** A decoded result before labels and frame mapping: boxes normalised 0..1 to the model input. */
export interface Candidate {
  classId: number;
  score: number;
  box?: { x: number; y: number; w: number; h: number };
}

/** What a decoder knows about the model it decodes, from the manifest and the loaded model. */
export interface DecoderContext {
  readonly labels: readonly string[];
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** The model's outputs with their declared shapes (symbolic or unknown dims allowed). */
  readonly outputs: readonly { readonly name: string; readonly shape: readonly OnnxDim[] | undefined }[];
  /** Where the model came from, for error messages. */
  readonly where: string;
}

/** Turns raw outputs into candidates; checks shapes against the labels on every call (a few compares). */
export interface Decoder {
  decode(outputs: ModelOutputs): Candidate[];
}

/** Builds a decoder for a manifest's output section, checking what the declared shapes already tell. */
export type DecoderFactory<Spec> = (spec: Spec, ctx: DecoderContext) => Decoder;
