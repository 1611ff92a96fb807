/**
 * The ONNX codec, a pure library like src/kernels/: a protobuf reader and writer, an ONNX model as
 * plain objects (decode -> edit -> encode keeps what it does not model), and reading an ONNX file.
 * The runtime (src/inference/) and the offline tools (src/model-tools/) both use it. It imports
 * only the ground floor (src/errors.ts): no threads, no stage.
 */
export { decodeOnnxModel } from './decode.js';
export { encodeOnnxModel } from './encode.js';
export { readOnnxFile } from './file.js';
export * from './model.js';
