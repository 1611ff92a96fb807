/**
 * edgecam as a library: the kernel engine (pure functions over typed arrays) and the
 * shared image types. `import { conv2d, kernels, outputSize } from 'edgecam'`.
 */
export * from './errors.js';
export type { Frame, Image, Pixels, Shape } from './frame.js';
export * from './kernels/index.js';
