import * as z from 'zod';

/**
 * Execution providers a user can ask for; `auto` picks the best one the board has. `wasm` runs ONNX
 * models on onnxruntime-web's WebAssembly build, what `auto` falls back to where onnxruntime-node
 * has no build (32-bit ARM).
 */
export const ACCELERATORS = ['auto', 'cpu', 'cuda', 'tensorrt', 'webgpu', 'wasm'] as const;
/** ONNX Runtime's graph optimisation levels (SessionOptions.graphOptimizationLevel). */
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'layout', 'all'] as const;

/**
 * The `inference:` section: how models run on this board (which model a camera runs comes with
 * the camera's own `model:` key). config/default.yaml documents each key.
 */
export const inferenceSchema = z
  .strictObject({
    accelerator: z.enum(ACCELERATORS).default('auto'),
    /** true: a missing accelerator stops start-up instead of falling back to the CPU. */
    required: z.boolean().default(false),
    /** Threads per ONNX Runtime session (intra-op); 0: one per CPU core, in the daemon one per core but one. */
    threads: z.number().int().min(0).max(256).default(0),
    graphOptimizationLevel: z.enum(GRAPH_OPTIMIZATION_LEVELS).default('all'),
    /**
     * A backend plug-in (an npm package, or a path to one) that runs every model instead of the
     * built-in backends; "" runs each model on the backend its manifest names (docs/backends.md).
     */
    backend: z.string().default(''),
  })
  .superRefine((s, ctx) => {
    if (s.required && s.accelerator === 'auto') {
      ctx.addIssue({
        code: 'custom',
        path: ['required'],
        message: 'required: true needs a named accelerator: auto always has the CPU to fall back to',
        params: {
          fix: 'name the accelerator that must be there (accelerator: cuda), or set required: false',
        },
      });
    }
  });

export type InferenceConfig = z.infer<typeof inferenceSchema>;
