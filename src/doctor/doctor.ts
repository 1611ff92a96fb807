import { machine } from 'node:os';
import { join, resolve } from 'node:path';
import { findOnPath } from '../capture/programs.js';
import type { Config } from '../config/schema.js';
import { firstLine } from '../errors.js';
import { loadModelPackage } from '../inference/model.js';
import { checkBackendPlugin } from './backend-plugin.js';
import { checkTemperature, checkThrottling } from './board.js';
import { checkCameras } from './cameras.js';
import { type CheckResult, fail } from './check.js';
import { checkCpuFeatures } from './cpu-features.js';
import { checkFfmpeg } from './ffmpeg.js';
import { checkBroker, checkHttpPort } from './network.js';
import {
  checkOnnxRuntime,
  defaultOnnxLibDir,
  loadOnnxRuntimeNode,
  type OnnxRuntimeModule,
} from './onnx-runtime.js';
import { checkArch, checkNode } from './platform.js';
import { checkDisk, checkMemory } from './resources.js';
import { checkVulkan, DEFAULT_ICD_DIRS, defaultLibDirs } from './vulkan.js';

/**
 * Every check of `edgecam doctor`, in the order they print: the machine first (architecture,
 * Node, CPU, memory, disk, temperature), then what runs models, then what the config needs of
 * the board (cameras, ffmpeg, the broker, the HTTP port). Each reads the board through the roots
 * and programs given here, so tests point them at fixture trees.
 */

export interface DoctorOptions {
  /** /proc: cpuinfo, meminfo, device-tree/model. */
  readonly procRoot: string;
  /** /sys: class/thermal. */
  readonly sysRoot: string;
  /** /dev: video*. */
  readonly devDir: string;
  /** PATH, for ffmpeg, rpicam-vid, libcamera-vid, fswebcam, vcgencmd. */
  readonly path: string;
  /** Folders searched for libvulkan.so.1 after the linker cache. */
  readonly libDirs: readonly string[];
  /** Folders of Vulkan driver manifests. */
  readonly icdDirs: readonly string[];
  /** ldconfig (its -p lists the linker cache), or '' to search libDirs alone. */
  readonly ldconfig: string;
  /** vcgencmd, by name on PATH or by path. */
  readonly vcgencmd: string;
  /** vulkaninfo (vulkan-tools), by name on PATH or by path: names the WebGPU adapter. */
  readonly vulkaninfo: string;
  /** What relative stateDir and model paths are relative to. */
  readonly cwd: string;
  readonly arch: string;
  readonly machine: string;
  readonly nodeVersion: string;
  readonly execPath: string;
  readonly loadOnnxRuntime: () => Promise<OnnxRuntimeModule>;
  /** onnxruntime-node's binding folder, where provider libraries sit. */
  readonly onnxLibDir: string;
}

/** The real board's roots and programs. */
export function boardOptions(): DoctorOptions {
  const path = process.env.PATH ?? '';
  return {
    procRoot: '/proc',
    sysRoot: '/sys',
    devDir: '/dev',
    path,
    libDirs: defaultLibDirs(),
    icdDirs: DEFAULT_ICD_DIRS,
    // Debian keeps ldconfig in /sbin, which a user's PATH may lack.
    ldconfig: findOnPath('ldconfig', `${path}:/usr/sbin:/sbin`) ?? '',
    vcgencmd: 'vcgencmd',
    vulkaninfo: 'vulkaninfo',
    cwd: process.cwd(),
    arch: process.arch,
    machine: machine(),
    nodeVersion: process.versions.node,
    execPath: process.execPath,
    loadOnnxRuntime: loadOnnxRuntimeNode,
    onnxLibDir: defaultOnnxLibDir(),
  };
}

/**
 * Runs every check against `config` (undefined when it did not validate: then the checks that
 * read it, disk, mqtt and http, are left out, and the rest assume the defaults).
 * @example const results = await runDoctor(config)
 */
export async function runDoctor(
  config: Config | undefined,
  overrides: Partial<DoctorOptions> = {},
): Promise<CheckResult[]> {
  const o = { ...boardOptions(), ...overrides };
  const inference = config?.inference ?? { accelerator: 'auto', required: false, backend: '' };
  const cameras = config?.cameras ?? [];
  const onnx = guard('onnxruntime', async () =>
    checkOnnxRuntime({
      load: o.loadOnnxRuntime,
      libDir: o.onnxLibDir,
      arch: o.arch,
      inference,
      // A backend plug-in runs every model instead of ONNX Runtime.
      needsOnnx: inference.backend === '' && (await camerasNeedOnnx(config, o.cwd)),
    }),
  );
  const checks: Promise<CheckResult | readonly CheckResult[] | undefined>[] = [
    guard('arch', () => checkArch(o)),
    guard('node', async () => checkNode(o)),
    guard('cpu', () => checkCpuFeatures(o.procRoot)),
    guard('memory', () => checkMemory(o.procRoot)),
    config === undefined
      ? Promise.resolve(undefined)
      : guard('disk', () =>
          checkDisk({ stateDir: config.stateDir, cwd: o.cwd, outboxBytes: config.mqtt.outbox.maxBytes }),
        ),
    guard('temperature', () => checkTemperature(join(o.sysRoot, 'class', 'thermal'))),
    guard('throttling', () => checkThrottling(o.vcgencmd, o.path)),
    onnx.then((r) => ('result' in r ? r.result : r)),
    // The WebGPU line only where this ONNX Runtime has the provider at all.
    onnx.then((r) =>
      'providers' in r && r.providers.includes('webgpu')
        ? guard('webgpu', () => checkVulkan({ ...o, inference }))
        : undefined,
    ),
    guard('backend', () => checkBackendPlugin(inference.backend, o.cwd)),
    guard('cameras', () => checkCameras({ devDir: o.devDir, path: o.path, cameras })),
    guard('ffmpeg', () =>
      checkFfmpeg({ configured: config?.capture.ffmpegPath ?? '', path: o.path, cameras }),
    ),
    config === undefined ? Promise.resolve(undefined) : guard('mqtt', () => checkBroker(config.mqtt)),
    config === undefined ? Promise.resolve(undefined) : guard('http', () => checkHttpPort(config.http)),
  ];
  return (await Promise.all(checks)).flat().filter((r): r is CheckResult => r !== undefined);
}

/** Runs a check; one that throws is reported as its own failure instead of ending the others. */
async function guard<T>(name: string, check: () => Promise<T>): Promise<T | CheckResult> {
  try {
    return await check();
  } catch (err) {
    return fail(
      name,
      `the check itself failed: ${firstLine(err)}`,
      'this is a bug in edgecam doctor: please report it with this line',
    );
  }
}

/** Whether an enabled camera's model runs on ONNX Runtime (a package that does not read counts: onnx is the default). */
async function camerasNeedOnnx(config: Config | undefined, cwd: string): Promise<boolean> {
  for (const camera of config?.cameras ?? []) {
    if (!camera.enabled || camera.model === '') continue;
    try {
      if ((await loadModelPackage(resolve(cwd, camera.model))).manifest.backend === 'onnx') return true;
    } catch {
      // edgecam config check reports the package; here it counts as the default backend.
      return true;
    }
  }
  return false;
}
