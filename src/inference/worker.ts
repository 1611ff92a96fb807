// The inference worker: loads one model and runs it on frames the main thread shares with it.
// onnxruntime-node's run() blocks its thread for the whole inference (dist/backend.js wraps a
// synchronous native call in setImmediate), so it runs here, leaving the main thread free for
// MQTT keepalives and HTTP.
import { parentPort, workerData } from 'node:worker_threads';
import { youngCollector } from '../heap-growth.js';
import { I420Image, i420Size } from '../kernels/i420.js';
import { toWire } from '../worker-thread.js';
import type { InferenceLogger } from './backend.js';
import { type InferenceEngine, loadEngine } from './engine.js';
import type { FromWorker, ToWorker, WorkerStart } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread, started by createDetector');

const send = (message: FromWorker) => port.postMessage(message);
const log: InferenceLogger = {
  warn: (fields, message) => send({ type: 'log', level: 'warn', fields, message }),
  info: (fields, message) => send({ type: 'log', level: 'info', fields, message }),
};

const start = workerData as WorkerStart;
let engine: InferenceEngine | undefined;
try {
  engine = await loadEngine(start.model, start.options, log);
  send({ type: 'ready', info: engine.info });
} catch (err) {
  send({ type: 'load-failed', error: toWire(err) });
}

const queue: Extract<ToWorker, { type: 'run' }>[] = [];
// Frees the runs' output tensors every few runs (heap-growth.ts says why). A collection costs
// about 2 ms of CPU here, measured against none on the default config: after every run 1.9 ms a
// frame more, every 8 runs 0.3, every 32 runs 0.1 (within noise), for the same memory.
const COLLECT_EVERY_RUNS = 16;
const collectYoung = youngCollector();
let runsSinceCollection = 0;

async function runQueued(): Promise<void> {
  while (queue.length > 0) {
    const { id, width, height, channels, pixels, buffer } = queue[0]!;
    if (engine === undefined) {
      send({ type: 'failed', id, error: { message: 'the model is not loaded (closed or failed to load)' } });
    } else {
      const frame =
        pixels === 'i420'
          ? new I420Image(width, height, new Uint8Array(buffer, 0, i420Size(width, height)))
          : { width, height, channels, data: new Uint8Array(buffer, 0, width * height * channels) };
      try {
        const { detections, timings } = await engine.run(frame);
        send({ type: 'result', id, detections, timings });
        if (++runsSinceCollection >= COLLECT_EVERY_RUNS) {
          runsSinceCollection = 0;
          collectYoung?.();
        }
      } catch (err) {
        send({ type: 'failed', id, error: toWire(err) });
      }
    }
    queue.shift();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    const closing = engine?.close() ?? Promise.resolve();
    engine = undefined;
    closing.then(
      () => send({ type: 'closed' }),
      (err: unknown) => {
        send({
          type: 'log',
          level: 'warn',
          fields: { error: toWire(err) },
          message: 'closing the model failed',
        });
        send({ type: 'closed' });
      },
    );
    return;
  }
  // Runs go one at a time, in the order they came: the main thread may post the next frame while
  // one runs, so that it starts the moment the running one ends, with no round trip in between.
  queue.push(message);
  if (queue.length === 1) void runQueued();
});
