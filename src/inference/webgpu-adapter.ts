import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import type { AdapterType, GpuAdapter } from '../gpu-adapter.js';

/**
 * Which GPU ONNX Runtime's WebGPU provider would run on, and whether it is a real one.
 *
 * onnxruntime-node tells nothing of its adapter: its Node binding exposes no adapter or device
 * (ort.env.webgpu is onnxruntime-web's, for browsers), and its logs name none. On Linux the provider
 * runs on Dawn over Vulkan, so edgecam asks Vulkan, through the same loader and drivers (and the same
 * VK_* environment) Dawn uses: `vulkaninfo --summary` (Debian's vulkan-tools) lists the devices with
 * their Vulkan device type, and the adapter is the first in Dawn's order for the high-performance
 * preference ONNX Runtime asks for: discrete GPU, integrated GPU, CPU, then the rest
 * (SortAdapters in Dawn's src/dawn/native/Adapter.cpp, https://dawn.googlesource.com/dawn). A
 * rasterizer that runs on the CPU reports device type CPU (Mesa's lavapipe, SwiftShader): that is
 * what `auto` must not take for a GPU.
 */

/** The program that lists Vulkan's devices (Debian, Raspberry Pi OS, Ubuntu/JetPack: vulkan-tools). */
export const VULKANINFO = 'vulkaninfo';

/** What the probe learned: the adapter, or why there is none to name. */
export type AdapterProbe =
  | { readonly adapter: GpuAdapter; readonly reason?: undefined }
  | { readonly adapter: undefined; readonly reason: string };

// Khronos and PCI vendor ids (VkPhysicalDeviceProperties.vendorID) of the GPUs edgecam meets.
const VENDORS: Readonly<Record<number, string>> = {
  4098: 'AMD',
  4112: 'Imagination',
  4203: 'Apple',
  4318: 'NVIDIA',
  5045: 'ARM',
  5348: 'Broadcom',
  6880: 'Google',
  20803: 'Qualcomm',
  32902: 'Intel',
  65541: 'Mesa',
};

const DEVICE_TYPES: Readonly<Record<string, AdapterType>> = {
  PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: 'discrete-gpu',
  PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: 'integrated-gpu',
  PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: 'virtual-gpu',
  PHYSICAL_DEVICE_TYPE_CPU: 'cpu',
};

// Dawn's rank for the high-performance preference; Dawn counts a virtual GPU as unknown, last.
const RANK: Readonly<Record<AdapterType, number>> = {
  'discrete-gpu': 0,
  'integrated-gpu': 1,
  cpu: 2,
  'virtual-gpu': 3,
  other: 3,
};

const SOFTWARE_DRIVERS = new Set(['DRIVER_ID_MESA_LLVMPIPE', 'DRIVER_ID_GOOGLE_SWIFTSHADER']);

/**
 * The devices of `vulkaninfo --summary`, in the order Vulkan lists them.
 * @example parseVulkanSummary(text)[0]?.device // 'llvmpipe (LLVM 15.0.6, 256 bits)'
 */
export function parseVulkanSummary(text: string): GpuAdapter[] {
  const blocks: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (/^GPU\d+:\s*$/.test(line)) {
      current = {};
      blocks.push(current);
    } else if (current !== undefined) {
      const kv = /^\s+(\w+)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv !== null) current[kv[1]!] = kv[2]!;
      else if (line.trim() !== '') current = undefined;
    }
  }
  return blocks.filter((b) => b.deviceName !== undefined).map(toAdapter);
}

function toAdapter(b: Record<string, string>): GpuAdapter {
  const type = DEVICE_TYPES[b.deviceType ?? ''] ?? 'other';
  const vendorId = Number.parseInt(b.vendorID ?? '', 16);
  const device = b.deviceName!;
  const driver =
    [b.driverName, b.driverInfo].filter((s) => s !== undefined && s !== '').join(' ') ||
    `version ${b.driverVersion ?? 'unknown'}`;
  const software =
    type === 'cpu' || SOFTWARE_DRIVERS.has(b.driverID ?? '') || /llvmpipe|lavapipe|swiftshader/i.test(device);
  return {
    device,
    vendor: VENDORS[vendorId] ?? (Number.isNaN(vendorId) ? 'unknown' : `vendor 0x${vendorId.toString(16)}`),
    type,
    driver,
    software,
  };
}

/**
 * The adapter Dawn would take of these devices (high-performance preference), or undefined for none.
 * @example webGpuChoice([llvmpipe, v3d])?.device // 'V3D 7.1.7.0'
 */
export function webGpuChoice(devices: readonly GpuAdapter[]): GpuAdapter | undefined {
  // A stable sort keeps Vulkan's order between devices of one rank, as Dawn's does.
  return [...devices].sort((a, b) => RANK[a.type] - RANK[b.type])[0];
}

const TYPE_WORDS: Readonly<Record<AdapterType, string>> = {
  'discrete-gpu': 'discrete GPU',
  'integrated-gpu': 'integrated GPU',
  'virtual-gpu': 'virtual GPU',
  cpu: 'software rasterizer on the CPU',
  other: 'device of unknown type',
};

/**
 * The adapter in one line, for logs and `edgecam doctor`.
 * @example describeAdapter(v3d) // 'V3D 7.1.7.0 (Broadcom integrated GPU, driver V3DV Mesa 24.2.8)'
 */
export function describeAdapter(a: GpuAdapter): string {
  const type = a.software && a.type !== 'cpu' ? `${TYPE_WORDS[a.type]}, software` : TYPE_WORDS[a.type];
  return `${a.device} (${a.vendor} ${type}, driver ${a.driver})`;
}

/**
 * Why `auto` passes over WebGPU, or undefined when the adapter is a GPU: a software rasterizer is
 * slower than the CPU provider, and an adapter Vulkan cannot name may be one.
 * @example autoSkipsWebGpu({ adapter: llvmpipe }) // 'its adapter is llvmpipe (...): a software rasterizer, slower than the CPU'
 */
export function autoSkipsWebGpu(probe: AdapterProbe): string | undefined {
  if (probe.adapter === undefined) return probe.reason;
  if (probe.adapter.software) {
    return `its adapter is ${describeAdapter(probe.adapter)}, which is no GPU and slower than the CPU provider`;
  }
  return undefined;
}

/**
 * Runs `vulkaninfo --summary` and names the adapter WebGPU would use, or says why it cannot.
 * Never throws: a missing or failing vulkaninfo is a reason.
 * @example const { adapter, reason } = await probeWebGpuAdapter();
 */
export function probeWebGpuAdapter(program = VULKANINFO): Promise<AdapterProbe> {
  const name = basename(program);
  return new Promise((resolve) => {
    // Listing devices compiles nothing, yet Mesa's drivers (lavapipe here) would write a 1.9 MB
    // shader cache into the home directory at each start.
    const env = { ...process.env, MESA_SHADER_CACHE_DISABLE: 'true' };
    execFile(program, ['--summary'], { timeout: 10_000, maxBuffer: 4 << 20, env }, (err, stdout, stderr) => {
      if (err !== null) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          resolve({
            adapter: undefined,
            reason: `${name} is not installed, so edgecam cannot tell which GPU WebGPU would use (sudo apt install vulkan-tools)`,
          });
          return;
        }
        const why = failure(`${stderr}\n${stdout}`) || firstLine(err.message);
        resolve({
          adapter: undefined,
          reason: `${name} --summary failed (${why}): Vulkan has no usable driver here`,
        });
        return;
      }
      const adapter = webGpuChoice(parseVulkanSummary(stdout));
      resolve(
        adapter === undefined
          ? { adapter: undefined, reason: `${name} --summary lists no Vulkan device` }
          : { adapter },
      );
    });
  });
}

/** vulkaninfo's own verdict ('vkCreateInstance failed with ERROR_INCOMPATIBLE_DRIVER'), else its first line. */
function failure(output: string): string {
  const verdict = /(\w+ failed with \w+)/.exec(output)?.[1];
  return verdict ?? firstLine(output);
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

const probes = new Map<string, Promise<AdapterProbe>>();

/**
 * probeWebGpuAdapter, once per program in this thread: the board's GPUs do not change while it runs.
 * @example const { adapter } = await webGpuAdapter();
 */
export function webGpuAdapter(program = VULKANINFO): Promise<AdapterProbe> {
  let probe = probes.get(program);
  if (probe === undefined) {
    probe = probeWebGpuAdapter(program);
    probes.set(program, probe);
  }
  return probe;
}
