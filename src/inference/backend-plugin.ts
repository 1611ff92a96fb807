import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EdgecamError, firstLine } from '../errors.js';
import type { BackendLoader } from './backend.js';

/**
 * Backend plug-ins: an npm package that runs models on a runtime edgecam does not ship (an NPU's
 * SDK: Hailo, Coral, RKNN; TensorRT), named by `inference.backend`. It is imported on first use,
 * inside the model's worker thread, like the built-in backends; docs/backends.md is the guide for
 * its author. Its module exports `edgecamBackend` (or a default export) of this shape.
 */
export interface BackendPlugin {
  /** The interface version the package was written for; this edgecam speaks 1. */
  readonly apiVersion: 1;
  /** A short name for logs: 'hailo', 'coral'. */
  readonly name: string;
  /** Loads a model package on the runtime (the same contract as the built-in backends). */
  readonly load: BackendLoader;
  /** The package's own `edgecam doctor` lines: is the device there, is its driver loaded. */
  readonly doctor?: () => Promise<readonly PluginCheck[]>;
}

/** One `edgecam doctor` line from a plug-in (doctor/check.ts's CheckResult, restated for authors). */
export interface PluginCheck {
  readonly name: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly found: string;
  readonly fix?: string;
}

/** The plug-in interface version this edgecam implements. */
export const BACKEND_API_VERSION = 1;

const loaded = new Map<string, Promise<BackendPlugin>>();

/**
 * The plug-in `name` names: an npm package installed beside the config (resolved from `cwd`) or
 * beside edgecam itself (a global install's sibling), or a path to its folder or file. Throws
 * EDGECAM_ERR_BACKEND naming the key, the value and the fix when it is missing or not a plug-in.
 * @example const plugin = await loadBackendPlugin('edgecam-backend-hailo', process.cwd())
 */
export function loadBackendPlugin(name: string, cwd: string = process.cwd()): Promise<BackendPlugin> {
  const key = `${cwd}\0${name}`;
  let plugin = loaded.get(key);
  if (plugin === undefined) {
    plugin = importPlugin(name, cwd);
    loaded.set(key, plugin);
    // A failed import may succeed after the user installs the package: do not keep the failure.
    plugin.catch(() => loaded.delete(key));
  }
  return plugin;
}

async function importPlugin(name: string, cwd: string): Promise<BackendPlugin> {
  const file = resolvePlugin(name, cwd);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_BACKEND',
      `The backend plug-in ${JSON.stringify(name)} (${file}) fails to load: ${firstLine(err)}. ` +
        "Fix: reinstall the package, or check that it supports this board's CPU and Node version",
      { cause: err },
    );
  }
  return checkPlugin(module.edgecamBackend ?? module.default, name);
}

/** The file a plug-in name resolves to: a path as given, else the package from cwd, then from edgecam. */
function resolvePlugin(name: string, cwd: string): string {
  const bases = isPath(name) ? [join(cwd, 'package.json')] : [join(cwd, 'package.json'), import.meta.url];
  const target = isPath(name) ? resolve(cwd, name) : name;
  for (const base of bases) {
    try {
      return createRequire(base).resolve(target);
    } catch {
      // not installed from here; try the next base
    }
  }
  throw new EdgecamError(
    'EDGECAM_ERR_BACKEND',
    `The backend plug-in ${JSON.stringify(name)} (inference.backend) is not installed: looked from ${cwd} and from edgecam's own folder. ` +
      (isPath(name)
        ? 'Fix: give the path of the plug-in package folder, or set inference.backend: "" to use the built-in backends'
        : `Fix: install it with \`npm install ${name}\` next to edgecam, or set inference.backend: "" to use the built-in backends`),
  );
}

function isPath(name: string): boolean {
  return name.startsWith('.') || isAbsolute(name);
}

function checkPlugin(value: unknown, name: string): BackendPlugin {
  const plugin = value as Partial<BackendPlugin> | undefined;
  const problem =
    typeof plugin !== 'object' || plugin === null
      ? 'it exports no `edgecamBackend` (or default) object'
      : plugin.apiVersion !== BACKEND_API_VERSION
        ? `it is written for backend interface ${String(plugin.apiVersion)}, and this edgecam speaks ${BACKEND_API_VERSION}`
        : typeof plugin.load !== 'function'
          ? 'its `load` is not a function'
          : typeof plugin.name !== 'string' || plugin.name === ''
            ? 'it has no `name`'
            : plugin.doctor !== undefined && typeof plugin.doctor !== 'function'
              ? 'its `doctor` is not a function'
              : undefined;
  if (problem !== undefined) {
    throw new EdgecamError(
      'EDGECAM_ERR_BACKEND',
      `The package ${JSON.stringify(name)} (inference.backend) is not an edgecam backend plug-in: ${problem}. ` +
        'Fix: install a version of the package made for this edgecam (docs/backends.md), or set inference.backend: ""',
    );
  }
  return plugin as BackendPlugin;
}
