import { Worker } from 'node:worker_threads';
import { EdgecamError, ERROR_CODES, type ErrorCode } from './errors.js';
import { WORKER_RESOURCE_LIMITS } from './worker-limits.js';

// Every module of edgecam is loaded the same way: all compiled .js from dist/, or all .ts from
// src/ (vitest, tsx). This file's own URL says which.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SOURCE_SHIM = new URL('./worker-from-source.mjs', import.meta.url);

/**
 * Starts one of edgecam's worker threads with its heap limits (worker-limits.ts). `entry` is the
 * compiled module, named next to the caller; running from the TypeScript sources, the .ts beside
 * it is started instead, through worker-from-source.mjs, which registers tsx's loader first.
 * @example const worker = startWorker(new URL('./kernel-worker.js', import.meta.url));
 */
export function startWorker(entry: URL, options: { readonly workerData?: unknown } = {}): Worker {
  const resourceLimits = WORKER_RESOURCE_LIMITS;
  if (!FROM_SOURCE) return new Worker(entry, { ...options, resourceLimits });
  const source = new URL(entry.href.replace(/\.js$/, '.ts'));
  return new Worker(SOURCE_SHIM, { ...options, resourceLimits, argv: [source.href] });
}

/** An error as it crosses the thread boundary (postMessage keeps no class, so no code). */
export interface WireError {
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
}

/** Flattens an error for postMessage, keeping an EdgecamError's code. */
export function toWire(err: unknown): WireError {
  if (err instanceof EdgecamError) return { code: err.code, message: err.message, stack: err.stack };
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** Which worker an error came from, and the code it gets when it was no EdgecamError. */
export interface WorkerOrigin {
  /** As it reads after "the", e.g. 'inference worker'. */
  readonly worker: string;
  readonly fallback: ErrorCode;
}

/**
 * Rebuilds a worker's error on the main thread: an EdgecamError keeps its code and message; any
 * other error gets the origin's fallback code and a message that names the worker. The worker's
 * stack is kept below the main thread's.
 */
export function fromWire(wire: WireError, origin: WorkerOrigin): EdgecamError {
  const known = wire.code !== undefined && Object.hasOwn(ERROR_CODES, wire.code);
  const code = known ? (wire.code as ErrorCode) : origin.fallback;
  const message = wire.code === undefined ? `The ${origin.worker} failed: ${wire.message}` : wire.message;
  const err = new EdgecamError(code, message);
  if (wire.stack !== undefined)
    err.stack = `${err.name}: ${message}\n(in the ${origin.worker})\n${wire.stack}`;
  return err;
}
