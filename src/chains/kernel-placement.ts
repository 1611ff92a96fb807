import { chainCost } from '../config/chain-cost.js';
import type { ChainConfig } from '../config/chain-schema.js';
import type { Shape } from '../frame.js';

/**
 * The most an edge chain may cost, estimated for a slow board (config/chain-cost.ts), to run on
 * the main thread: 20 ms, once per published edge map (every mqtt.edges.interval seconds) or per
 * frame while the live view shows the edges. The default chain (gaussian5, then the edge map) on
 * 640x480 RGB is estimated at 6 ms and takes 0.7 ms on the development machine (1280x720: 18 ms
 * estimated, 2.3 taken); 1920x1080 (41 ms estimated) goes to the worker.
 */
export const IN_THREAD_BUDGET_SECONDS = 0.02;

/**
 * Whether a camera's chains run on the main thread rather than in the kernel worker: when it has
 * no preprocess chain (which runs on every frame the model reads) and its edge chain is cheap.
 * The kernel worker is a V8 isolate of its own, about 9 MB resident, started only when a camera
 * needs it; on the default config no camera does.
 * @example runsInThread(undefined, [{ kernel: 'gaussian5' }, { edges: 'L1' }], { width: 640, height: 480, channels: 3 }) // true
 */
export function runsInThread(
  preprocess: ChainConfig | undefined,
  edges: ChainConfig | undefined,
  input: Shape,
): boolean {
  if (preprocess !== undefined) return false;
  return edges === undefined || chainCost(edges, input).seconds <= IN_THREAD_BUDGET_SECONDS;
}
