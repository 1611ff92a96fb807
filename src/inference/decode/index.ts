import type { DecoderName, OutputSpec } from '../manifest.js';
import { createClassificationDecoder } from './classification.js';
import type { Decoder, DecoderContext, DecoderFactory } from './decoder.js';
import { createSsdDecoder } from './ssd.js';
import { createYoloV5Decoder } from './yolov5.js';
import { createYoloV8Decoder } from './yolov8.js';

export type { Candidate, Decoder, DecoderContext, ModelOutputs, OutputTensor } from './decoder.js';
export { iou, type NmsOptions, nms } from './nms.js';

/** Every output decoder, by the name a manifest's `output.decoder` gives. */
export const DECODERS: { readonly [K in DecoderName]: DecoderFactory<Extract<OutputSpec, { decoder: K }>> } =
  {
    classification: createClassificationDecoder,
    yolov8: createYoloV8Decoder,
    yolov5: createYoloV5Decoder,
    ssd: createSsdDecoder,
  };

/**
 * The decoder a manifest's output section names, checked against the model's declared outputs.
 * @example const decoder = createDecoder(manifest.output, ctx); decoder.decode(outputs)
 */
export function createDecoder(spec: OutputSpec, ctx: DecoderContext): Decoder {
  return (DECODERS[spec.decoder] as DecoderFactory<OutputSpec>)(spec, ctx);
}
