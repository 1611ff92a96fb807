import type { Detection } from '../detection.js';
import type { WireError } from '../worker-thread.js';
import type { BackendOptions } from './backend.js';
import type { ModelPackage } from './model.js';
import type { ModelInfo, RunTimings } from './model-info.js';

/** What the inference worker starts with. */
export interface WorkerStart {
  /** Read and checked by the main thread (createDetector). */
  readonly model: ModelPackage;
  readonly options: BackendOptions;
}

/**
 * Main thread -> worker. The frame's bytes sit at the start of a SharedArrayBuffer (no copy on
 * post): packed pixels, or an RGB frame's I420 planes (CameraImage.i420).
 */
export type ToWorker =
  | {
      readonly type: 'run';
      readonly id: number;
      readonly width: number;
      readonly height: number;
      readonly channels: number;
      readonly pixels: 'packed' | 'i420';
      readonly buffer: SharedArrayBuffer;
    }
  | { readonly type: 'close' };

/** Worker -> main thread. */
export type FromWorker =
  | { readonly type: 'ready'; readonly info: ModelInfo }
  | { readonly type: 'load-failed'; readonly error: WireError }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly detections: Detection[];
      readonly timings: RunTimings;
    }
  | { readonly type: 'failed'; readonly id: number; readonly error: WireError }
  | {
      readonly type: 'log';
      readonly level: 'warn' | 'info';
      readonly fields: object;
      readonly message: string;
    }
  | { readonly type: 'closed' };
