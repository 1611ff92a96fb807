// The edgecam kernel module: SIMD passes over uint8 images (and a detection head's scores) in this module's memory.
// The host (src/kernels/wasm/module.ts) owns the memory layout; these functions only
// read and write at the addresses it passes, up to 16 bytes past each row's end.
export { convInt16 } from './conv-int16';
export { rgbToGray } from './gray';
export { halveRgbPlanar, halveRgbPlanarU8 } from './halve';
export { padImage } from './pad';
export { resizeRgbPlanar } from './resize';
export { markColumnsAtOrAbove } from './scores';
export { separableInt16, separableQ15 } from './separable';
export { sobelMagnitude } from './sobel-magnitude';
export { separableSymmetric5 } from './symmetric5';
export { halveI420Planar, halveI420PlanarU8, i420ToRgb } from './yuv';

/** First free byte after the module's static data: the host allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}
