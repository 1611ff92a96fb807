import type { ResourceLimits } from 'node:worker_threads';

/**
 * V8 heap limits for edgecam's worker threads (the kernel worker, the inference worker). They hold
 * typed arrays (frames, tensors) and allocate little JavaScript, but each worker is a V8 isolate of
 * its own whose young generation would otherwise grow to V8's default (tens of MB) and stay
 * resident: on a 1 to 4 GB board that is memory the daemon keeps for nothing. A small young
 * generation costs only more frequent, short scavenges of a nearly empty heap.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 4 };
