/**
 * The chains stage: each camera's named kernel chains (preprocess, edges) planned once per frame
 * size and run per frame in one worker thread shared by all cameras, pixels in shared memory, or,
 * for a cheap edge chain alone, on the main thread (kernel-placement.ts). The convolution itself
 * is the kernels/ library's; this stage owns the thread and the per-camera plans. The daemon hands
 * a camera's CameraKernels to its pipeline as the FrameKernels port.
 */

export { CameraKernels } from './camera-kernels.js';
export { type ChainRunner, chainRunner } from './chain-runner.js';
export { KernelSlot, KernelWorker } from './kernel-worker-client.js';
