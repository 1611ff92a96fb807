/**
 * The catalogue of errors a user can cause. Each has a stable code (documented in the
 * README, which a test checks) and a message that says what was wrong and what to do.
 */
export const ERROR_CODES = {
  EDGECAM_ERR_CONFIG: 'The configuration file or an override is invalid.',
  EDGECAM_ERR_CONFIG_READ: 'The configuration file cannot be read or parsed as YAML.',
  EDGECAM_ERR_CONFIG_LABEL: "A camera's labels filter names a label its model does not have.",
  EDGECAM_ERR_KERNEL: 'A kernel definition is invalid (shape, weights, name).',
  EDGECAM_ERR_KERNEL_UNKNOWN: 'A kernel name is not in the library.',
  EDGECAM_ERR_OUTPUT_SIZE: 'Input size, kernel size, padding and stride do not give a whole output size.',
  EDGECAM_ERR_ARGUMENT: 'A function or command was called with an invalid argument.',
  EDGECAM_ERR_IMAGE_READ: 'An image file cannot be read or decoded.',
  EDGECAM_ERR_IMAGE_WRITE: 'An output image file cannot be written.',
  EDGECAM_ERR_CAMERA_DEVICE: "A camera's video device is missing or is not a video device.",
  EDGECAM_ERR_CAMERA_SIZE: 'A camera does not offer the configured size in any format edgecam can read.',
  EDGECAM_ERR_CAMERA_FILE: "A file camera's path names no video file and matches no images.",
  EDGECAM_ERR_CAMERA_PROGRAM: 'A program a camera needs (ffmpeg, rpicam-vid, fswebcam) is not installed.',
  EDGECAM_ERR_CAMERA_UNKNOWN: 'A command names a camera id that the configuration does not have.',
  EDGECAM_ERR_MQTT_CONNECT: 'The MQTT broker cannot be reached (refused, timeout); edgecam retries.',
  EDGECAM_ERR_MQTT_AUTH: 'The MQTT broker refused the username, password or client id; edgecam retries.',
  EDGECAM_ERR_MQTT_TLS: "The MQTT broker's TLS certificate cannot be verified, or a TLS file cannot be read.",
  EDGECAM_ERR_MQTT_CREDENTIALS: 'MQTT credentials cannot be read, or would cross the network in plain text.',
  EDGECAM_ERR_MQTT_COMMAND: 'A message on a command topic (<prefix>/<camera>/set/...) is invalid.',
  EDGECAM_ERR_BROKER_LISTEN: 'The embedded MQTT broker cannot listen on its address (port in use).',
  EDGECAM_ERR_STATE_DIR: 'The outbox under stateDir cannot be opened (permissions, or in use).',
  EDGECAM_ERR_HTTP_LISTEN: 'The health HTTP server cannot listen on http.host:http.port (port in use).',
  EDGECAM_ERR_MODEL_READ: 'A model package, model file or labels file is missing or corrupt.',
  EDGECAM_ERR_MODEL_MANIFEST: "A model's manifest (model.json) is invalid.",
  EDGECAM_ERR_MODEL_MISMATCH: 'The manifest disagrees with the model (input or output shape, dtype, name).',
  EDGECAM_ERR_MODEL_LABELS: "The label count does not match the model's class count.",
  EDGECAM_ERR_MODEL_OPERATOR: 'The model uses an operator the backend cannot run.',
  EDGECAM_ERR_ACCELERATOR: 'The required accelerator (execution provider) is not available.',
  EDGECAM_ERR_ONNX_RUNTIME: 'Neither build of ONNX Runtime (onnxruntime-node, onnxruntime-web) can load.',
  EDGECAM_ERR_TFJS_MISSING: 'A tfjs model needs TensorFlow.js, which is not installed.',
  EDGECAM_ERR_BACKEND: 'The backend plug-in inference.backend names is not installed, or is not a plug-in.',
  EDGECAM_ERR_INFERENCE: 'The inference runtime failed while running a model.',
  EDGECAM_ERR_QUANTIZE:
    'A model cannot be quantized (dynamic input shape, several inputs, old opset, already int8).',
  EDGECAM_ERR_CALIBRATION_DATA:
    'The calibration folder is missing, holds no images, or an image cannot be read.',
  EDGECAM_ERR_EVAL_DATA:
    'An evaluation folder holds no images, lacks label files, or has labels the model does not know.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error a user can cause: a stable `code` and a message that says what to do. */
export class EdgecamError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgecamError';
    this.code = code;
  }
}

/** True when `err` is an EdgecamError, optionally with the given code. */
export function isEdgecamError(err: unknown, code?: ErrorCode): err is EdgecamError {
  return err instanceof EdgecamError && (code === undefined || err.code === code);
}

/** The first line of an error's message. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}
