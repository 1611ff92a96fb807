import { pino } from 'pino';
import { driverFor } from '../capture/sources/index.js';
import type { ConfigProblem } from '../config/problem.js';
import { splitRemedy } from '../config/remedy.js';
import type { CameraConfig, Config } from '../config/schema.js';
import { type EdgecamError, isEdgecamError } from '../errors.js';
import { loadBackendPlugin } from '../inference/backend-plugin.js';
import type { Detector } from '../inference/detector.js';
import { systemClock } from '../time/clock.js';
import { labelFilterError, loadModel } from './camera-model.js';

/**
 * What `edgecam run` would find wrong when it starts the config's cameras, found with the very
 * functions run calls, without starting anything: each enabled camera's model loaded as run loads
 * it (the package, its labels, the model file opened on its backend and checked against the
 * manifest, the accelerator), its label filter checked against that model, and its source's
 * preflight (the check a source runs before its first start: the file, the device, the program).
 */

/** What the check found: problems stop the config; warnings do not. */
export interface StartupFindings {
  /** What only a config change fixes: run refuses it (exit 78), or retries it for ever. */
  readonly problems: ConfigProblem[];
  /**
   * What depends on the machine rather than the config (a camera not plugged in, a program not
   * installed yet): run starts anyway and retries that camera until it can start.
   */
  readonly warnings: ConfigProblem[];
}

export interface StartupCheckOptions {
  /** Where programs are looked for; default PATH. */
  readonly path?: string;
  /** Where V4L2 devices are listed from; default /dev. */
  readonly devDir?: string;
}

/**
 * Checks every enabled camera of a validated config as run would start it; problems name the key.
 * @example const { problems, warnings } = await checkCamerasStart(config)
 */
export async function checkCamerasStart(
  config: Config,
  options: StartupCheckOptions = {},
): Promise<StartupFindings> {
  const findings: StartupFindings = { problems: [], warnings: [] };
  // A backend plug-in that does not load fails every model the same way: say it once, at its key.
  const backend = await checkBackend(config, findings);
  const models = new ModelCache(config);
  try {
    for (const [index, camera] of config.cameras.entries()) {
      if (!camera.enabled) continue;
      if (backend) await checkModel(camera, index, models, findings);
      await checkSource(config, camera, index, options, findings);
    }
  } finally {
    await models.close();
  }
  return findings;
}

/** Whether the backend plug-in (if any) loads; a problem at inference.backend when it does not. */
async function checkBackend(config: Config, findings: StartupFindings): Promise<boolean> {
  const name = config.inference.backend;
  if (name === '' || !config.cameras.some((c) => c.enabled && c.model !== '')) return true;
  try {
    await loadBackendPlugin(name);
    return true;
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    const fix = 'install the plug-in package next to edgecam, or set it to "" for the built-in backends';
    findings.problems.push(problemOf('inference.backend', name, err, fix));
    return false;
  }
}

async function checkModel(
  camera: CameraConfig,
  index: number,
  models: ModelCache,
  findings: StartupFindings,
): Promise<void> {
  if (camera.model === '') return;
  const loaded = await models.load(camera);
  if (loaded instanceof Error) {
    findings.problems.push(
      problemOf(
        `cameras[${index}].model`,
        camera.model,
        loaded,
        'set it to a model package folder (e.g. models/signs), or "" for none',
      ),
    );
    return;
  }
  const labels = labelFilterError(camera, loaded.info);
  if (labels !== undefined) {
    findings.problems.push(
      problemOf(`cameras[${index}].labels`, camera.labels, labels, 'use labels the model has'),
    );
  }
}

/** Where in a camera's config each source error points, and whether it is the config's to fix. */
const SOURCE_ERRORS: Readonly<Record<string, { readonly key: string; readonly problem: boolean }>> = {
  // A path that names nothing: no restart or machine change makes it play.
  EDGECAM_ERR_CAMERA_FILE: { key: 'source.path', problem: true },
  EDGECAM_ERR_CAMERA_DEVICE: { key: 'source.device', problem: false },
  EDGECAM_ERR_CAMERA_SIZE: { key: 'width', problem: false },
  EDGECAM_ERR_CAMERA_PROGRAM: { key: 'source.kind', problem: false },
};

async function checkSource(
  config: Config,
  camera: CameraConfig,
  index: number,
  options: StartupCheckOptions,
  findings: StartupFindings,
): Promise<void> {
  const driver = driverFor(camera, {
    ffmpegPath: config.capture.ffmpegPath,
    clock: systemClock,
    path: options.path ?? process.env.PATH ?? '',
    devDir: options.devDir ?? '/dev',
  });
  try {
    await driver.preflight?.();
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    const where = SOURCE_ERRORS[err.code] ?? { key: 'source', problem: false };
    const value = valueAt(camera, where.key);
    const finding = problemOf(`cameras[${index}].${where.key}`, value, err, 'see "Cameras" in the README');
    (where.problem ? findings.problems : findings.warnings).push(finding);
  }
}

function valueAt(camera: CameraConfig, key: string): unknown {
  let value: unknown = camera;
  for (const part of key.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

// "... . Fix: use labels ..." (the label filter), ": plug the camera in ..." and ": install it ..."
// (capture); config/remedy.ts knows the other remedies the stages write.
const FIX_CLAUSE = /(?:\.?\s+Fix:\s+|:\s+(?=(?:plug|install)\b))(.*)$/s;

/**
 * An error as a config problem: the message's own remedy ("... . Fix: ...", or a clause such as
 * ": write the path ...") becomes the fix line, else `fallback`; the code stays on the message.
 */
function problemOf(path: string, value: unknown, err: EdgecamError, fallback: string): ConfigProblem {
  const fix = FIX_CLAUSE.exec(err.message);
  const split =
    fix !== null && fix.index > 0
      ? { message: err.message.slice(0, fix.index), fix: fix[1] }
      : splitRemedy(err.message);
  return { path, value, message: `${split.message} [${err.code}]`, fix: split.fix ?? fallback };
}

/** Each model loaded once however many cameras run it, and closed at the end. */
class ModelCache {
  readonly #config: Config;
  readonly #loaded = new Map<string, Detector | EdgecamError>();
  // run logs the accelerator fallback when it starts; a check has nothing to add to that.
  readonly #logger = pino({ level: 'silent' });

  constructor(config: Config) {
    this.#config = config;
  }

  async load(camera: CameraConfig): Promise<Detector | EdgecamError> {
    let loaded = this.#loaded.get(camera.model);
    if (loaded === undefined) {
      try {
        loaded = (await loadModel(this.#config, camera, this.#logger))!;
      } catch (err) {
        if (!isEdgecamError(err)) throw err;
        loaded = err;
      }
      this.#loaded.set(camera.model, loaded);
    }
    return loaded;
  }

  async close(): Promise<void> {
    for (const loaded of this.#loaded.values()) if (!(loaded instanceof Error)) await loaded.close();
  }
}
