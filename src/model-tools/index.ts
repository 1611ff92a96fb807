/**
 * The offline model tools behind `edgecam model quantize | eval | inspect`: static int8 QDQ
 * quantisation with calibration, accuracy evaluation (mAP, top-k, false detections on negatives)
 * and the model report. The daemon never runs them. They sit above the runtime, like the CLI: they
 * may import src/inference/, src/onnx/, src/kernels/ and the ground floor (src/errors.ts,
 * src/frame.ts, ...); nothing in src/inference/ imports them.
 */
export { type EvaluateOptions, type Evaluation, evaluateModel } from './eval/evaluate.js';
export { formatModelReport, inspectModel, type ModelReport, QUANTIZED_OPS } from './inspect.js';
export {
  formatQuantizeReport,
  type QuantizeOptions,
  type QuantizeReport,
  quantizeModel,
} from './quantize/quantize.js';
