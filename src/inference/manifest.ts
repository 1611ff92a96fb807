import * as z from 'zod';

/**
 * The model manifest, `models/<name>/model.json`: what the model is, how a frame becomes its input
 * tensor, how its outputs become detections, and where it came from. Paths are relative to the
 * manifest's folder. Validated once at load, then frozen.
 */

export const MODEL_TASKS = ['detect', 'classify'] as const;
export const MODEL_BACKENDS = ['onnx', 'tfjs'] as const;
export const INPUT_LAYOUTS = ['NCHW', 'NHWC'] as const;
export const COLOR_ORDERS = ['RGB', 'BGR', 'GRAY'] as const;
export const INPUT_DTYPES = ['float32', 'uint8', 'int8'] as const;
export const RESIZE_MODES = ['stretch', 'letterbox', 'center-crop'] as const;
export const QUANTIZATIONS = ['none', 'int8-qdq', 'int8-qoperator', 'uint8-weights'] as const;
export const DECODER_NAMES = ['classification', 'yolov8', 'yolov5', 'ssd'] as const;

const rgb = z.tuple([z.number().min(0).max(255), z.number().min(0).max(255), z.number().min(0).max(255)]);
/** One value for every channel, or one per channel in the input's colour order. */
const perChannel = z.union([z.number(), z.array(z.number()).min(1).max(3)]);
const unit = z.number().min(0).max(1);

const inputSchema = z.strictObject({
  /** The model input's name; default: the model's first input. */
  name: z.string().min(1).optional(),
  width: z.number().int().min(1).max(8192),
  height: z.number().int().min(1).max(8192),
  layout: z.enum(INPUT_LAYOUTS).default('NCHW'),
  colorOrder: z.enum(COLOR_ORDERS).default('RGB'),
  dtype: z.enum(INPUT_DTYPES).default('float32'),
  /** value = (pixel * scale - mean) / std; scale defaults to 1/255 for float32 and 1 otherwise. */
  scale: z.number().positive().optional(),
  mean: perChannel.default(0),
  std: perChannel
    .refine((s) => (Array.isArray(s) ? s.every((v) => v !== 0) : s !== 0), 'std must not be 0')
    .default(1),
  resize: z.enum(RESIZE_MODES).default('stretch'),
  /** Letterbox padding colour, RGB 0..255 (Ultralytics uses 114, 114, 114). */
  padColor: rgb.default([114, 114, 114]),
});

const nmsFields = {
  iouThreshold: unit.default(0.45),
  maxDetections: z.number().int().min(1).max(10000).default(100),
  /** true: boxes of different classes never suppress each other. */
  classAware: z.boolean().default(true),
};

const classificationSchema = z.strictObject({
  decoder: z.literal('classification'),
  /** Output name; default: the model's first output. */
  output: z.string().min(1).optional(),
  /** softmax over logits, sigmoid per class (multi-label), or none when the model outputs probabilities. */
  activation: z.enum(['softmax', 'sigmoid', 'none']).default('softmax'),
  topK: z.number().int().min(1).default(5),
  scoreThreshold: unit.default(0),
});

const yoloFields = {
  output: z.string().min(1).optional(),
  scoreThreshold: unit.default(0.25),
  /** Box coordinates in input pixels (Ultralytics exports) or normalised 0..1. */
  boxes: z.enum(['pixels', 'normalized']).default('pixels'),
  ...nmsFields,
};

const yolov8Schema = z.strictObject({ decoder: z.literal('yolov8'), ...yoloFields });
const yolov5Schema = z.strictObject({ decoder: z.literal('yolov5'), ...yoloFields });

const ssdSchema = z.strictObject({
  decoder: z.literal('ssd'),
  /** Output names as the TF Object Detection API exports them; default: outputs in this order. */
  outputs: z
    .strictObject({
      boxes: z.string().min(1),
      classes: z.string().min(1),
      scores: z.string().min(1),
      count: z.string().min(1),
    })
    .optional(),
  /** Added to a class id before it indexes the labels: -1 when id 1 is the first label (TF's label maps). */
  classOffset: z.number().int().default(0),
  scoreThreshold: unit.default(0.5),
  ...nmsFields,
});

const outputSchema = z.discriminatedUnion('decoder', [
  classificationSchema,
  yolov8Schema,
  yolov5Schema,
  ssdSchema,
]);

export const manifestSchema = z
  .strictObject({
    name: z.string().min(1),
    version: z.string().min(1).default('0.0.0'),
    description: z.string().optional(),
    task: z.enum(MODEL_TASKS),
    backend: z.enum(MODEL_BACKENDS).default('onnx'),
    /** The model file: model.onnx, or a tfjs model.json (graph or layers model) with its weight shards. */
    model: z.string().min(1),
    input: inputSchema,
    output: outputSchema,
    /** A labels file (one label per line) or the labels inline. */
    labels: z.union([z.string().min(1), z.array(z.string()).min(1)]),
    quantization: z.enum(QUANTIZATIONS).default('none'),
    provenance: z
      .strictObject({
        source: z.string().optional(),
        license: z.string().optional(),
        trainedOn: z.string().optional(),
        exportedWith: z.string().optional(),
        notes: z.string().optional(),
      })
      .prefault({}),
  })
  .superRefine((m, ctx) => {
    const classifier = m.output.decoder === 'classification';
    if (classifier !== (m.task === 'classify')) {
      ctx.addIssue({
        code: 'custom',
        path: ['output', 'decoder'],
        message: `decoder '${m.output.decoder}' does not fit task '${m.task}': classify takes the classification decoder, detect takes yolov8, yolov5 or ssd`,
      });
    }
  });

/** A validated manifest, defaults filled in. */
export type Manifest = z.infer<typeof manifestSchema>;
/** A manifest as a file may write it. */
export type ManifestInput = z.input<typeof manifestSchema>;
export type InputSpec = Manifest['input'];
export type OutputSpec = Manifest['output'];
export type DecoderName = OutputSpec['decoder'];
