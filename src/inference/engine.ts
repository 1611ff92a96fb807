import type { Detection } from '../detection.js';
import { EdgecamError } from '../errors.js';
import type { CameraImage } from '../frame.js';
import type { BackendOptions, BackendSession, InferenceLogger } from './backend.js';
import { loadBackendPlugin } from './backend-plugin.js';
import { BACKENDS } from './backends.js';
import { inputMismatches, manifestInput } from './check.js';
import { createDecoder, type Decoder } from './decode/index.js';
import type { ModelPackage } from './model.js';
import type { ModelInfo, RunTimings } from './model-info.js';
import { frameBox } from './placement.js';
import { InputTensor } from './tensor.js';
import { describeAdapter } from './webgpu-adapter.js';

/** A model loaded in this thread: frame -> tensor -> backend -> decoder -> detections. */
export interface InferenceEngine {
  readonly info: ModelInfo;
  /** Runs on one frame; the timings are the three steps' milliseconds. */
  run(frame: CameraImage): Promise<{ detections: Detection[]; timings: RunTimings }>;
  close(): Promise<void>;
}

/**
 * Loads a model package on its backend in the calling thread and checks the manifest against the
 * model (input shape and dtype, output names, label count) before the first frame. The Detector
 * runs this inside a worker; call it directly only where blocking the thread is fine (a CLI).
 * @example const engine = await loadEngine('models/signs', DEFAULT_INFERENCE_OPTIONS, logger)
 */
export async function loadEngine(
  path: string | ModelPackage,
  options: BackendOptions,
  log: InferenceLogger,
): Promise<InferenceEngine> {
  // Imported on demand: the inference worker is given a checked package, and so never loads
  // model.js's manifest schema and its schema library.
  const pkg = typeof path === 'string' ? await (await import('./model.js')).loadModelPackage(path) : path;
  const { manifest } = pkg;
  const load =
    options.backend === undefined || options.backend === ''
      ? await BACKENDS[manifest.backend]()
      : (await loadBackendPlugin(options.backend)).load;
  const session = await load(pkg, options, log);
  try {
    const problems = inputMismatches(manifest.input, session.inputs, session.acceptDtypes);
    if (problems.length > 0) {
      throw new EdgecamError(
        'EDGECAM_ERR_MODEL_MISMATCH',
        `${pkg.manifestPath} disagrees with ${pkg.modelPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
          'Fix the manifest to match the model (edgecam model inspect shows both)',
      );
    }
    const decoder = createDecoder(manifest.output, {
      labels: pkg.labels,
      inputWidth: manifest.input.width,
      inputHeight: manifest.input.height,
      outputs: session.outputs,
      where: pkg.manifestPath,
    });
    const inputName = manifestInput(manifest.input, session.inputs)!.name;
    const info: ModelInfo = Object.freeze({
      name: manifest.name,
      version: manifest.version,
      task: manifest.task,
      backend: manifest.backend,
      decoder: manifest.output.decoder,
      quantization: manifest.quantization,
      runtime: session.runtime,
      provider: session.provider,
      adapter: session.adapter === undefined ? null : Object.freeze({ ...session.adapter }),
      accelerator: options.accelerator,
      input: Object.freeze({
        name: inputName,
        width: manifest.input.width,
        height: manifest.input.height,
        layout: manifest.input.layout,
        colorOrder: manifest.input.colorOrder,
        dtype: manifest.input.dtype,
        resize: manifest.input.resize,
      }),
      outputs: Object.freeze(session.outputs.map((o) => o.name)),
      labels: pkg.labels,
    });
    const on = info.adapter === null ? '' : ` on ${describeAdapter(info.adapter)}`;
    log.info(
      {
        model: info.name,
        provider: info.provider,
        runtime: info.runtime,
        ...(info.adapter === null ? {} : { adapter: info.adapter }),
      },
      `model ${info.name} loaded (${info.provider}${on})`,
    );
    return new Engine(info, session, new InputTensor(manifest.input), decoder, pkg.labels);
  } catch (err) {
    await session.close();
    throw err;
  }
}

class Engine implements InferenceEngine {
  constructor(
    readonly info: ModelInfo,
    private readonly session: BackendSession,
    private readonly input: InputTensor,
    private readonly decoder: Decoder,
    private readonly labels: readonly string[],
  ) {}

  async run(frame: CameraImage): Promise<{ detections: Detection[]; timings: RunTimings }> {
    const t0 = performance.now();
    const placement = this.input.fill(frame);
    const t1 = performance.now();
    const outputs = await this.session.run(this.info.input.name, this.input.data, this.input.dims);
    const t2 = performance.now();
    const detections: Detection[] = [];
    for (const c of this.decoder.decode(outputs)) {
      const label = this.labels[c.classId] ?? `class ${c.classId}`;
      if (c.box === undefined) {
        detections.push({ label, classId: c.classId, score: c.score });
        continue;
      }
      const box = frameBox(placement, c.box);
      if (box !== undefined) detections.push({ label, classId: c.classId, score: c.score, box });
    }
    const t3 = performance.now();
    return { detections, timings: { preprocessMs: t1 - t0, runMs: t2 - t1, decodeMs: t3 - t2 } };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
