/**
 * The inference stage: model packages (models/<name>/model.json), one-pass preprocessing, ONNX
 * Runtime and TensorFlow.js backends in a worker thread, and decoders into Detections.
 */
export { annotate } from './annotate.js';
export type { InferenceLogger } from './backend.js';
export { type Candidate, createDecoder, DECODERS, iou, type ModelOutputs, nms } from './decode/index.js';
export { createDetector, type Detector, type DetectorOptions } from './detector.js';
export {
  type EvaluateOptions,
  type Evaluation,
  evaluateModel,
} from './eval/evaluate.js';
export { formatModelReport, inspectModel, type ModelReport, QUANTIZED_OPS } from './inspect.js';
export { type Manifest, type ManifestInput, manifestSchema } from './manifest.js';
export { loadModelPackage, MANIFEST_FILE, type ModelPackage } from './model.js';
export type { ModelInfo, RunTimings } from './model-info.js';
export * from './onnx-model.js';
export { type Accelerator, DEFAULT_INFERENCE_OPTIONS } from './options.js';
export { frameBox, type Placement, placeFrame } from './placement.js';
export {
  formatQuantizeReport,
  type QuantizeOptions,
  type QuantizeReport,
  quantizeModel,
} from './quantize/quantize.js';
export { InputTensor } from './tensor.js';
