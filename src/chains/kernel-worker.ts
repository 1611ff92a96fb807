// The kernel worker: every camera's preprocess and edge chains run here, so that the event loop
// of the main thread stays free for MQTT and HTTP. Frames and results live in shared memory that
// the main thread set up once per camera; a message per frame only says which camera and slot.
import { parentPort } from 'node:worker_threads';
import type { Image } from '../frame.js';
import { toWire } from '../worker-thread.js';
import { type ChainRunner, chainRunner, chainsEngine } from './chain-runner.js';
import type { ChainBuffers, FromKernelWorker, ToKernelWorker } from './kernel-protocol.js';

const port = parentPort;
if (port === null) throw new Error('kernel-worker.ts runs as a worker thread, started by KernelWorker');

interface CameraPlans {
  readonly input: Image<Uint8Array>;
  readonly preprocess: { runner: ChainRunner; out: [Image<Uint8Array>, Image<Uint8Array>] } | undefined;
  readonly edges: { runner: ChainRunner; out: Image<Uint8Array> } | undefined;
}

const cameras = new Map<string, CameraPlans>();
const send = (message: FromKernelWorker) => port.postMessage(message);

function shared(runner: ChainRunner): { buffers: ChainBuffers; image: Image<Uint8Array> } {
  const { width, height, channels } = runner.output;
  const buffer = new SharedArrayBuffer(width * height * channels);
  return {
    buffers: { shape: runner.output, buffer },
    image: { ...runner.output, data: new Uint8Array(buffer) },
  };
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
      const inputBuffer = new SharedArrayBuffer(width * height * channels);
      const input = { width, height, channels, data: new Uint8Array(inputBuffer) };
      const pre =
        message.preprocess === undefined ? undefined : chainRunner(message.preprocess, message.input);
      const edges = message.edges === undefined ? undefined : chainRunner(message.edges, message.input);
      const preOut = pre === undefined ? undefined : ([shared(pre), shared(pre)] as const);
      const edgesOut = edges === undefined ? undefined : shared(edges);
      cameras.set(message.camera, {
        input,
        preprocess:
          pre === undefined ? undefined : { runner: pre, out: [preOut![0].image, preOut![1].image] },
        edges: edges === undefined ? undefined : { runner: edges, out: edgesOut!.image },
      });
      send({
        type: 'configured',
        id,
        input: inputBuffer,
        preprocess: preOut === undefined ? undefined : [preOut[0].buffers, preOut[1].buffers],
        edges: edgesOut?.buffers,
        engine: chainsEngine(pre, edges),
      });
      return;
    }
    const plans = cameras.get(message.camera);
    if (plans === undefined) throw new Error(`camera "${message.camera}" is not configured`);
    if (message.preprocess && plans.preprocess !== undefined) {
      plans.preprocess.runner.run(plans.input, plans.preprocess.out[message.slot]);
    }
    if (message.edges && plans.edges !== undefined) plans.edges.runner.run(plans.input, plans.edges.out);
    send({ type: 'done', id });
  } catch (err) {
    send({ type: 'failed', id, error: toWire(err) });
  }
});
