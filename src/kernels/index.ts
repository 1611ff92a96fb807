/**
 * The kernel engine's public API: named and custom kernels, 1-D and 2-D convolution (direct,
 * separable, banks), pooling, ReLU, 8-bit conversion and edge maps. Pure functions over typed
 * arrays; see types.ts for the semantics they share.
 */
export { relu } from './activation.js';
export { conv2dBank } from './bank.js';
export { conv1d } from './conv1d.js';
export { conv2d, conv2dShape, resolvePadding } from './conv2d.js';
export { type EdgeMapOptions, type EdgePngOptions, encodeEdgeMapPng, sobelMagnitude } from './edges.js';
export { grayLevel, rgbToGray } from './gray.js';
export {
  createKernel,
  flipKernel,
  formatKernel,
  isSeparable,
  type KernelFactors,
  type KernelSpec,
  kernelSum,
  separate,
} from './kernel.js';
export { type ConvLayerShape, type ConvLayerSpec, convLayerShape } from './layer.js';
export { box, defaultSigma, gaussian, gaussian1d, kernelNames, kernels, resolveKernel } from './library.js';
export { createChainPlan, createEdgePlan, createFilterPlan, type FilterPlan } from './plan.js';
export { avgPool2d, maxPool2d, type PoolOptions } from './pool.js';
export { conv2dSeparable } from './separable.js';
export { outputSize } from './size.js';
export type { BorderFill, ConvMode, ConvOptions, Kernel, Padding, Uint8Policy } from './types.js';
export { toUint8 } from './uint8.js';
