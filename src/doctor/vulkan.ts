import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findOnPath } from '../capture/programs.js';
import type { InferenceConfig } from '../config/inference-schema.js';
import { describeAdapter, probeWebGpuAdapter } from '../inference/webgpu-adapter.js';
import { type CheckResult, missing, ok, warn } from './check.js';

/**
 * Whether ONNX Runtime's WebGPU provider can start: it runs on Dawn, which on Linux opens the
 * Vulkan loader (libvulkan.so.1) with dlopen, and the loader needs a driver (an ICD manifest in
 * one of Vulkan's icd.d folders, https://github.com/KhronosGroup/Vulkan-Loader/blob/main/docs/LoaderDriverInterface.md).
 */

export const VULKAN_LOADER = 'libvulkan.so.1';

/** Where the Vulkan loader looks for driver manifests (the system-wide ones). */
export const DEFAULT_ICD_DIRS = [
  '/usr/local/share/vulkan/icd.d',
  '/usr/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
];

// Debian's multiarch folders of the boards edgecam runs on.
const TRIPLETS = ['x86_64-linux-gnu', 'aarch64-linux-gnu', 'arm-linux-gnueabihf'];

/**
 * The folders dlopen searches besides its cache: LD_LIBRARY_PATH, then the usual ones.
 * @example defaultLibDirs('') // ['/lib', '/usr/lib', ..., '/usr/lib/aarch64-linux-gnu', ...]
 */
export function defaultLibDirs(ldLibraryPath = process.env.LD_LIBRARY_PATH ?? ''): string[] {
  const base = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/usr/local/lib'];
  return [
    ...ldLibraryPath.split(':').filter(Boolean),
    ...base,
    ...TRIPLETS.flatMap((t) => [`/lib/${t}`, `/usr/lib/${t}`]),
  ];
}

export interface VulkanFacts {
  readonly libDirs: readonly string[];
  readonly icdDirs: readonly string[];
  /** The ldconfig program whose `-p` lists the linker cache, or '' to look in libDirs alone. */
  readonly ldconfig: string;
  /** vulkaninfo, by name on `path` or by path: it names the adapter WebGPU would use. */
  readonly vulkaninfo: string;
  readonly path: string;
  readonly inference: Pick<InferenceConfig, 'accelerator' | 'required'>;
}

/**
 * The path of the Vulkan loader from `ldconfig -p`'s listing.
 * @example loaderFromCache('\tlibvulkan.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libvulkan.so.1') // '/lib/x86_64-linux-gnu/libvulkan.so.1'
 */
export function loaderFromCache(listing: string): string | undefined {
  const line = listing.split('\n').find((l) => l.trim().startsWith(`${VULKAN_LOADER} `));
  return line === undefined ? undefined : /=>\s*(\S+)/.exec(line)?.[1];
}

/**
 * The WebGPU line: the loader, its drivers, and the adapter WebGPU would use (from vulkaninfo):
 * a GPU, or a software rasterizer that `auto` passes over.
 * @example await checkVulkan({ libDirs: defaultLibDirs(), icdDirs: DEFAULT_ICD_DIRS, ldconfig: '/sbin/ldconfig', vulkaninfo: 'vulkaninfo', path: process.env.PATH ?? '', inference })
 */
export async function checkVulkan(facts: VulkanFacts): Promise<CheckResult> {
  const needed = facts.inference.accelerator === 'webgpu' && facts.inference.required;
  const uses =
    facts.inference.accelerator === 'webgpu'
      ? 'inference.accelerator is webgpu'
      : 'needed only for inference.accelerator: webgpu';
  const loader = await findLoader(facts);
  if (loader === undefined) {
    return missing(
      'webgpu',
      needed,
      `no Vulkan loader (${VULKAN_LOADER}), which ONNX Runtime's WebGPU provider opens (${uses})`,
      'sudo apt install libvulkan1 mesa-vulkan-drivers',
    );
  }
  const drivers = await listDrivers(facts.icdDirs);
  if (drivers.length === 0) {
    return missing(
      'webgpu',
      needed,
      `Vulkan loader ${loader}, but no Vulkan driver (no manifest in ${facts.icdDirs.join(', ')}; ${uses})`,
      "sudo apt install mesa-vulkan-drivers (a Raspberry Pi 4/5's V3D, Intel and AMD GPUs), or your GPU maker's Vulkan driver",
    );
  }
  const names = drivers.map((d) => d.replace(/_icd.*$|\.json$/g, '')).join(', ');
  const found = `Vulkan loader ${loader}, drivers: ${names}`;
  const program = facts.vulkaninfo.includes('/')
    ? facts.vulkaninfo
    : findOnPath(facts.vulkaninfo, facts.path);
  if (program === undefined) return withoutVulkaninfo(found, drivers, needed, uses);
  const probe = await probeWebGpuAdapter(program);
  if (probe.adapter === undefined) {
    return missing(
      'webgpu',
      needed,
      `${found}; but ${probe.reason} (${uses})`,
      "install the GPU's Vulkan driver: sudo apt install mesa-vulkan-drivers (a Raspberry Pi 4/5's V3D, Intel and AMD GPUs), or your GPU maker's",
    );
  }
  const adapter = describeAdapter(probe.adapter);
  if (probe.adapter.software) {
    return warn(
      'webgpu',
      `${found}; adapter ${adapter}: no GPU, so auto keeps models on the CPU, which is faster`,
      "to run models on a GPU, install its Vulkan driver (mesa-vulkan-drivers for a Raspberry Pi 4/5's V3D, Intel and AMD; NVIDIA's for its cards)",
    );
  }
  return ok('webgpu', `${found}; adapter ${adapter}: a GPU, which inference.accelerator: auto uses`);
}

/** The verdict from the driver manifests alone, where vulkaninfo is not there to name the adapter. */
function withoutVulkaninfo(
  found: string,
  drivers: readonly string[],
  needed: boolean,
  uses: string,
): CheckResult {
  // Mesa's lavapipe (lvp) runs Vulkan on the CPU: WebGPU on it is slower than the CPU provider.
  if (drivers.every((d) => d.startsWith('lvp_'))) {
    return missing(
      'webgpu',
      needed,
      `${found.replace(/, drivers: .*$/, '')} with only lavapipe, a driver that runs on the CPU (${uses})`,
      'keep inference.accelerator: auto (the CPU provider is faster than WebGPU on lavapipe), or install a GPU driver (mesa-vulkan-drivers)',
    );
  }
  return warn(
    'webgpu',
    `${found}; no vulkaninfo to name the adapter, so inference.accelerator: auto keeps models on the CPU`,
    'sudo apt install vulkan-tools: edgecam reads the adapter from vulkaninfo, and auto takes WebGPU only on a GPU',
  );
}

async function findLoader(facts: VulkanFacts): Promise<string | undefined> {
  if (facts.ldconfig !== '') {
    const cached = loaderFromCache(await ldconfigListing(facts.ldconfig));
    if (cached !== undefined) return cached;
  }
  for (const dir of facts.libDirs) {
    const candidate = join(dir, VULKAN_LOADER);
    try {
      await access(candidate);
      return candidate;
    } catch {
      // Not in this folder: look in the next.
    }
  }
  return undefined;
}

/** `ldconfig -p`, or '' when it cannot run (the folders are searched instead). */
function ldconfigListing(ldconfig: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(ldconfig, ['-p'], { timeout: 5000 }, (err, stdout) => resolve(err === null ? stdout : ''));
  });
}

async function listDrivers(dirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    found.push(...names.filter((n) => n.endsWith('.json')));
  }
  return [...new Set(found)].sort();
}
