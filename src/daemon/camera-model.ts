import type { Logger } from 'pino';
import type { CameraConfig, Config } from '../config/schema.js';
import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { createDetector, type Detector } from '../inference/detector.js';
import { pipelineThreadCount } from '../inference/options.js';
import { didYouMean } from '../suggest.js';

/**
 * A camera's model as its runtime uses it: loaded with the inference settings and the camera's
 * name on every log line, offered to the pipeline as its Model port, and checked against the
 * camera's label filter.
 */

/**
 * Closes a camera's failed model and loads it again; the old one when that fails (the next restart
 * of the camera tries again).
 */
export async function reloadModel(
  old: Detector | undefined,
  config: Config,
  camera: CameraConfig,
  logger: Logger,
): Promise<Detector | undefined> {
  await old
    ?.close()
    .catch((err: unknown) => logger.warn({ err, camera: camera.id }, 'closing the failed model'));
  try {
    return await loadModel(config, camera, logger);
  } catch (err) {
    logger.error({ err, camera: camera.id }, 'reloading the model failed; trying again later');
    return old;
  }
}

/** Loads the camera's model; undefined for a camera without one. */
export async function loadModel(
  config: Config,
  camera: CameraConfig,
  logger: Logger,
): Promise<Detector | undefined> {
  if (camera.model === '') return undefined;
  const detector = await createDetector({
    model: camera.model,
    ...config.inference,
    threads: pipelineThreadCount(config.inference.threads),
    logger: {
      warn: (fields, message) => logger.warn({ camera: camera.id, ...fields }, message),
      info: (fields, message) => logger.info({ camera: camera.id, ...fields }, message),
    },
  });
  return detector;
}

/** The pipeline's Model port over a detector. */
export function modelOf(detector: Detector) {
  return {
    task: detector.info.task,
    input: { width: detector.info.input.width, height: detector.info.input.height },
    run: (image: Image<Uint8Array>) => detector.run(image),
    get lastTimings() {
      return detector.lastTimings;
    },
  };
}

/** The labels Home Assistant gets sensors for: the filter, else every label of the model. */
export function labelsOf(camera: CameraConfig, detector: Detector | undefined): string[] {
  if (detector === undefined) return [];
  return camera.labels.length > 0 ? [...camera.labels] : [...detector.info.labels];
}

/**
 * Why the camera's label filter names labels the model does not have (a filter like that would
 * silently keep nothing of them), or undefined when the model has every one. `run` refuses the
 * camera with it, and `edgecam config check` reports it.
 * @example labelFilterError(camera, { name: 'signs', labels: ['stop', 'yield'] })?.message
 */
export function labelFilterError(
  camera: CameraConfig,
  model: { readonly name: string; readonly labels: readonly string[] },
): EdgecamError | undefined {
  const known = model.labels;
  const unknown = camera.labels.filter((l) => !known.includes(l));
  if (unknown.length === 0) return undefined;
  const first = unknown[0]!;
  const suggestion = didYouMean(first, [...known]);
  return new EdgecamError(
    'EDGECAM_ERR_CONFIG_LABEL',
    `camera "${camera.id}": labels ${unknown.map((l) => `"${l}"`).join(', ')} ${unknown.length === 1 ? 'is not a label' : 'are not labels'} of model ${model.name} (${camera.model})${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}. Fix: use labels the model has: ${known.join(', ')}`,
  );
}

/** Throws labelFilterError's error for a camera whose filter its model cannot meet. */
export function checkLabels(camera: CameraConfig, detector: Detector | undefined): void {
  if (detector === undefined) return;
  const error = labelFilterError(camera, detector.info);
  if (error !== undefined) throw error;
}
