/**
 * The GPU a model runs on through WebGPU, as the inference stage learns it and the health payload,
 * the metrics and `edgecam doctor` report it. Declared here because inference produces it and
 * publish and health show it, and no stage imports another.
 */

/** Vulkan's device types (VkPhysicalDeviceType), as WebGPU's adapter ranks them. */
export const ADAPTER_TYPES = ['discrete-gpu', 'integrated-gpu', 'virtual-gpu', 'cpu', 'other'] as const;
export type AdapterType = (typeof ADAPTER_TYPES)[number];

/** One GPU adapter: what it is, who made it, and the driver that runs it. */
export interface GpuAdapter {
  /** The device's name as its driver gives it: 'V3D 7.1.7.0', 'llvmpipe (LLVM 15.0.6, 256 bits)'. */
  readonly device: string;
  /** Who made it, from the PCI or Khronos vendor id: 'Broadcom', 'NVIDIA', 'Mesa' (a software driver). */
  readonly vendor: string;
  readonly type: AdapterType;
  /** The driver and its version: 'llvmpipe, Mesa 25.0.7 (LLVM 15.0.6)'. */
  readonly driver: string;
  /** True for a rasterizer that runs on the CPU (lavapipe/llvmpipe, SwiftShader): slower than the CPU provider. */
  readonly software: boolean;
}
