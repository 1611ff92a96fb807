import type { Detection } from '../detection.js';
import { EdgecamError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { BackendOptions } from './backend.js';
import type { ModelInfo, RunTimings } from './model-info.js';

/** What the inference worker starts with. */
export interface WorkerStart {
  readonly model: string;
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

/** An error as it crosses the thread boundary. */
export interface WireError {
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
}

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

/** Flattens an error for postMessage, keeping an EdgecamError's code. */
export function toWire(err: unknown): WireError {
  if (err instanceof EdgecamError) return { code: err.code, message: err.message, stack: err.stack };
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** Rebuilds an error on the main thread: an EdgecamError when it was one, else EDGECAM_ERR_INFERENCE. */
export function fromWire(wire: WireError): EdgecamError {
  const code =
    wire.code !== undefined && wire.code in ERROR_CODES ? (wire.code as ErrorCode) : 'EDGECAM_ERR_INFERENCE';
  const message = wire.code === undefined ? `The inference worker failed: ${wire.message}` : wire.message;
  const err = new EdgecamError(code, message);
  if (wire.stack !== undefined)
    err.stack = `${err.name}: ${message}\n(in the inference worker)\n${wire.stack}`;
  return err;
}
