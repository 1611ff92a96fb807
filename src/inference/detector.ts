import type { Worker } from 'node:worker_threads';
import type { Detection } from '../detection.js';
import { EdgecamError } from '../errors.js';
import type { CameraImage } from '../frame.js';
import { i420Size } from '../kernels/i420.js';
import { fromWire, startWorker, type WorkerOrigin } from '../worker-thread.js';
import type { BackendOptions, InferenceLogger } from './backend.js';
import { loadModelPackage } from './model.js';
import type { ModelInfo, RunTimings } from './model-info.js';
import { DEFAULT_INFERENCE_OPTIONS } from './options.js';
import { disableOrtTelemetry } from './ort-telemetry.js';
import type { FromWorker, ToWorker, WorkerStart } from './worker-protocol.js';

/** A model running in its own worker thread. */
export interface Detector {
  readonly info: ModelInfo;
  /** The step timings of the last completed run (for metrics and the benchmark). */
  readonly lastTimings: RunTimings | undefined;
  /**
   * Detections for one frame, boxes normalised to it. The frame's bytes are copied before run()
   * returns, so the caller may reuse them at once. Runs go one at a time in the order of the
   * calls, and a run called while another is running waits in the worker, so that it starts the
   * moment the other ends.
   */
  run(frame: CameraImage): Promise<Detection[]>;
  /** Finishes queued runs, releases the model and stops the worker. */
  close(): Promise<void>;
}

export interface DetectorOptions extends Partial<BackendOptions> {
  /** A model package folder (models/signs) or its model.json. */
  readonly model: string;
  /** Where load-time warnings (accelerator fallback) and the 'model loaded' line go. Default: nowhere. */
  readonly logger?: InferenceLogger;
}

const SILENT: InferenceLogger = { warn: () => {}, info: () => {} };
const ORIGIN: WorkerOrigin = { worker: 'inference worker', fallback: 'EDGECAM_ERR_INFERENCE' };

/**
 * Loads a model package in a worker thread: the main thread only copies each frame into shared
 * memory and waits. Rejects with an EdgecamError naming the problem when the model cannot load.
 * @example const detector = await createDetector({ model: 'models/signs', accelerator: 'auto' });
 * const detections = await detector.run(frame); await detector.close();
 */
export async function createDetector(options: DetectorOptions): Promise<Detector> {
  const { model, logger = SILENT, ...rest } = options;
  // The package is read and its manifest checked here, where the config's schema library is
  // loaded anyway: the worker gets it checked and never loads that library (about 7 MB a thread).
  const pkg = await loadModelPackage(model);
  const start: WorkerStart = { model: pkg, options: { ...DEFAULT_INFERENCE_OPTIONS, ...definedOnly(rest) } };
  // Set in this thread's environment, which the worker's ONNX Runtime reads.
  disableOrtTelemetry();
  // worker.js beside this file (worker.ts when running from the sources).
  const worker = startWorker(new URL('./worker.js', import.meta.url), { workerData: start });
  const detector = new WorkerDetector(worker, logger);
  await detector.ready;
  return detector;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Pending {
  resolve(detections: Detection[]): void;
  reject(err: Error): void;
  /** The shared memory holding the frame, free again once the run settles. */
  readonly buffer: SharedArrayBuffer;
}

class WorkerDetector implements Detector {
  readonly ready: Promise<void>;
  lastTimings: RunTimings | undefined;
  private infoValue: ModelInfo | undefined;
  private readonly worker: Worker;
  private readonly log: InferenceLogger;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  // Frames waiting or running in the worker each hold a shared buffer; settled runs give theirs
  // back, so a camera with one run ahead of the running one needs two of its frame size in all.
  private readonly freeBuffers: SharedArrayBuffer[] = [];
  private settled: Promise<unknown> = Promise.resolve();
  private failure: EdgecamError | undefined;
  private closing: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;

  constructor(worker: Worker, log: InferenceLogger) {
    this.worker = worker;
    this.log = log;
    this.ready = new Promise<void>((resolve, reject) => {
      const onLoad = (m: FromWorker) => {
        if (m.type === 'ready') {
          this.infoValue = m.info;
          resolve();
        } else if (m.type === 'load-failed') {
          reject(fromWire(m.error, ORIGIN));
          this.closing = worker.terminate().then(() => undefined);
        } else return;
        worker.off('message', onLoad);
      };
      worker.on('message', onLoad);
      worker.once('error', (err) => reject(this.died(`crashed while loading: ${err.message}`, err)));
      worker.once('exit', (code) => reject(this.died(`exited with code ${code} while loading`)));
    });
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err) => this.fail(this.died(`crashed: ${err.message}`, err)));
    worker.on('messageerror', (err) =>
      this.fail(this.died(`sent an unreadable message: ${err.message}`, err)),
    );
    worker.on('exit', (code) => {
      if (this.closing === undefined) this.fail(this.died(`exited with code ${code}`));
    });
  }

  get info(): ModelInfo {
    if (this.infoValue === undefined) throw new Error('the detector is not loaded');
    return this.infoValue;
  }

  run(frame: CameraImage): Promise<Detection[]> {
    if (this.closing !== undefined) {
      return Promise.reject(new EdgecamError('EDGECAM_ERR_ARGUMENT', 'Detector.run() after close()'));
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const { width, height, channels, i420 } = frame;
    // An RGB frame held as I420 planes is shared as such: half the bytes, and no conversion here.
    const planes = i420 !== undefined && channels === 3;
    const n = planes ? i420Size(width, height) : width * height * channels;
    const pixels = planes ? i420 : frame.data;
    if (pixels.length < n) {
      return Promise.reject(
        new EdgecamError(
          'EDGECAM_ERR_ARGUMENT',
          `Expected ${n} bytes for a ${width}x${height}${planes ? ' I420' : `x${channels}`} frame but received ${pixels.length}`,
        ),
      );
    }
    const buffer = this.bufferFor(n);
    new Uint8Array(buffer, 0, n).set(pixels.subarray(0, n));
    const id = this.nextId++;
    const result = new Promise<Detection[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, buffer });
      const message: ToWorker = {
        type: 'run',
        id,
        width,
        height,
        channels,
        pixels: planes ? 'i420' : 'packed',
        buffer,
      };
      this.worker.postMessage(message);
    });
    this.settled = result.catch(() => undefined);
    return result;
  }

  /** A free shared buffer of at least `n` bytes; posting it shares memory, copies nothing. */
  private bufferFor(n: number): SharedArrayBuffer {
    for (;;) {
      const buffer = this.freeBuffers.pop();
      if (buffer === undefined) return new SharedArrayBuffer(n);
      // One smaller than this frame belonged to an earlier frame size: let it go.
      if (buffer.byteLength >= n) return buffer;
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined) return undefined;
    this.pending.delete(id);
    this.freeBuffers.push(p.buffer);
    return p;
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'result': {
        this.lastTimings = m.timings;
        this.settle(m.id)?.resolve(m.detections);
        break;
      }
      case 'failed': {
        this.settle(m.id)?.reject(fromWire(m.error, ORIGIN));
        break;
      }
      case 'log':
        this.log[m.level](m.fields, m.message);
        break;
      case 'closed':
        this.onClosed?.();
        break;
    }
  }

  private died(what: string, cause?: unknown): EdgecamError {
    return new EdgecamError(
      'EDGECAM_ERR_INFERENCE',
      `The inference worker ${what}; the model must be loaded again (the daemon restarts it)`,
      { cause },
    );
  }

  private fail(err: EdgecamError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Runs settle in order, so the last one settled means all have.
      await this.settled;
      if (this.failure === undefined) {
        const closed = new Promise<void>((resolve) => {
          this.onClosed = resolve;
          this.worker.once('exit', () => resolve());
        });
        this.worker.postMessage({ type: 'close' } satisfies ToWorker);
        await closed;
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }
}
