// The kernel worker: every camera's preprocess and edge chains run here, so that the event loop
// of the main thread stays free for MQTT and HTTP. Frames and results live in shared memory that
// the main thread set up once per camera; a message per frame only says which camera and slot.
import { parentPort } from 'node:worker_threads';
import type { Image } from '../frame.js';
import { toWire } from '../worker-thread.js';
import { CameraChains } from './camera-chains.js';
import type { ChainBuffers, FromKernelWorker, ToKernelWorker } from './kernel-protocol.js';

const port = parentPort;
if (port === null) throw new Error('kernel-worker.ts runs as a worker thread, started by KernelWorker');

interface CameraPlans {
  readonly input: Image<Uint8Array>;
  readonly chains: CameraChains;
}

const cameras = new Map<string, CameraPlans>();
const send = (message: FromKernelWorker) => port.postMessage(message);

/** Bytes in shared memory, which the main thread maps too. */
const sharedBytes = (bytes: number) => new Uint8Array(new SharedArrayBuffer(bytes));

/** An output as the main thread gets it: its shape and its shared buffer. */
function buffersOf({ width, height, channels, data }: Image<Uint8Array>): ChainBuffers {
  return { shape: { width, height, channels }, buffer: data.buffer as SharedArrayBuffer };
}

port.on('message', (message: ToKernelWorker) => {
  if (message.type === 'remove') {
    cameras.delete(message.camera);
    return;
  }
  const { id } = message;
  try {
    if (message.type === 'configure') {
      const { width, height, channels } = message.input;
      const input = { width, height, channels, data: sharedBytes(width * height * channels) };
      const chains = new CameraChains(message.input, message.preprocess, message.edges, sharedBytes);
      cameras.set(message.camera, { input, chains });
      const pre = chains.preprocess;
      send({
        type: 'configured',
        id,
        input: input.data.buffer as SharedArrayBuffer,
        preprocess: pre === undefined ? undefined : [buffersOf(pre[0]), buffersOf(pre[1])],
        edges: chains.edges === undefined ? undefined : buffersOf(chains.edges),
        engine: chains.engine,
      });
      return;
    }
    const plans = cameras.get(message.camera);
    if (plans === undefined) throw new Error(`camera "${message.camera}" is not configured`);
    plans.chains.run(plans.input, message, message.slot);
    send({ type: 'done', id });
  } catch (err) {
    send({ type: 'failed', id, error: toWire(err) });
  }
});
