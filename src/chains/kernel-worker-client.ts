import type { Worker } from 'node:worker_threads';
import type { StepConfig } from '../config/chain-schema.js';
import { EdgecamError } from '../errors.js';
import type { Image, Shape } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import { fromWire, startWorker, type WorkerOrigin } from '../worker-thread.js';
import type { KernelPlans } from './kernel-plans.js';
import type { FromKernelWorker, ToKernelWorker } from './kernel-protocol.js';

const ORIGIN: WorkerOrigin = { worker: 'kernel worker', fallback: 'EDGECAM_ERR_KERNEL' };

/**
 * The main thread's side of the kernel worker: one thread for every camera's preprocess and edge
 * chains. A camera is configured once per frame size (its plans are built in the worker, its
 * buffers shared); then each frame is copied into shared memory and run with one small message.
 * @example const kernels = new KernelWorker(); const front = await kernels.camera('front', shape, pre, edges); const out = await front.run(frame, { preprocess: true, edges: false })
 */
export class KernelWorker {
  #worker: Worker | undefined;
  #failure: Error | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(m: FromKernelWorker): void; reject(err: Error): void }>();
  #closing: Promise<void> | undefined;

  /** Plans a camera's chains for frames of `input`'s shape (replacing its earlier plans). */
  async camera(
    camera: string,
    input: Shape,
    preprocess: readonly StepConfig[] | undefined,
    edges: readonly StepConfig[] | undefined,
  ): Promise<KernelSlot> {
    const generation = this.#thread();
    const reply = await this.#request({
      type: 'configure',
      id: this.#nextId++,
      camera,
      input,
      preprocess,
      edges,
    });
    if (reply.type !== 'configured') throw new Error(`kernel worker answered ${reply.type} to configure`);
    return new KernelSlot(this, generation, camera, input, reply);
  }

  /** Forgets a camera's plans. */
  remove(camera: string): void {
    this.#worker?.postMessage({ type: 'remove', camera } satisfies ToKernelWorker);
  }

  /** Stops the thread; pending runs reject. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker;
      this.#worker = undefined;
      if (worker !== undefined) await worker.terminate();
    })();
    return this.#closing;
  }

  /** @internal */
  request(message: ToKernelWorker & { id: number }, generation: Worker): Promise<FromKernelWorker> {
    if (generation !== this.#worker) {
      return Promise.reject(
        new EdgecamError('EDGECAM_ERR_ARGUMENT', 'the kernel worker restarted: configure the camera again'),
      );
    }
    return this.#request(message);
  }

  /** @internal */
  nextId(): number {
    return this.#nextId++;
  }

  #request(message: ToKernelWorker & { id: number }): Promise<FromKernelWorker> {
    const worker = this.#worker;
    if (worker === undefined || this.#closing !== undefined) {
      return Promise.reject(
        this.#failure ?? new EdgecamError('EDGECAM_ERR_ARGUMENT', 'the kernel worker is closed'),
      );
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  /** The running thread; a new one when the last one died. */
  #thread(): Worker {
    if (this.#closing !== undefined)
      throw new EdgecamError('EDGECAM_ERR_ARGUMENT', 'the kernel worker is closed');
    if (this.#worker !== undefined) return this.#worker;
    // kernel-worker.js beside this file (kernel-worker.ts when running from the sources).
    const worker = startWorker(new URL('./kernel-worker.js', import.meta.url));
    this.#failure = undefined;
    const die = (err: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failure = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on('message', (m: FromKernelWorker) => {
      if (m.type === 'configured' || m.type === 'done' || m.type === 'failed') {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (p === undefined) return;
        if (m.type === 'failed') p.reject(fromWire(m.error, ORIGIN));
        else p.resolve(m);
      }
    });
    worker.on('error', (err) => die(new Error(`the kernel worker crashed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => {
      if (this.#closing === undefined) die(new Error(`the kernel worker exited with code ${code}`));
    });
    this.#worker = worker;
    return worker;
  }
}

/** One camera's plans in the kernel worker. */
export class KernelSlot implements KernelPlans {
  readonly input: Shape;
  /** The engine of the camera's chains: 'wasm-simd', 'typescript' or 'none'. */
  readonly engine: string;
  readonly hasPreprocess: boolean;
  readonly hasEdges: boolean;
  readonly #owner: KernelWorker;
  readonly #generation: Worker;
  readonly #camera: string;
  readonly #input: Uint8Array;
  readonly #preprocess: readonly [Image<Uint8Array>, Image<Uint8Array>] | undefined;
  readonly #edges: Image<Uint8Array> | undefined;
  #slot: 0 | 1 = 0;

  constructor(
    owner: KernelWorker,
    generation: Worker,
    camera: string,
    input: Shape,
    reply: Extract<FromKernelWorker, { type: 'configured' }>,
  ) {
    this.#owner = owner;
    this.#generation = generation;
    this.#camera = camera;
    this.input = input;
    this.engine = reply.engine;
    this.#input = new Uint8Array(reply.input);
    const view = (b: { shape: Shape; buffer: SharedArrayBuffer }) => ({
      ...b.shape,
      data: new Uint8Array(b.buffer),
    });
    this.#preprocess =
      reply.preprocess === undefined ? undefined : [view(reply.preprocess[0]), view(reply.preprocess[1])];
    this.#edges = reply.edges === undefined ? undefined : view(reply.edges);
    this.hasPreprocess = this.#preprocess !== undefined;
    this.hasEdges = this.#edges !== undefined;
  }

  /**
   * Runs the camera's chains on `frame` (of the configured shape). Preprocess outputs alternate
   * between two buffers: the one returned stays intact while the next frame is filtered.
   */
  async run(frame: Image<Uint8Array>, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput> {
    const preprocess = want.preprocess && this.#preprocess !== undefined;
    const edges = want.edges && this.#edges !== undefined;
    if (!preprocess && !edges) return { preprocessed: frame, edges: undefined };
    this.#input.set(frame.data.subarray(0, this.#input.length));
    const slot = this.#slot;
    this.#slot = slot === 0 ? 1 : 0;
    await this.#owner.request(
      { type: 'run', id: this.#owner.nextId(), camera: this.#camera, slot, preprocess, edges },
      this.#generation,
    );
    return {
      preprocessed: preprocess ? this.#preprocess![slot] : frame,
      edges: edges ? this.#edges : undefined,
    };
  }
}
