import type { ChainConfig } from '../config/chain-schema.js';
import type { Frame } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import { InThreadPlans } from './in-thread-plans.js';
import { runsInThread } from './kernel-placement.js';
import type { KernelPlans } from './kernel-plans.js';
import type { KernelWorker } from './kernel-worker-client.js';

/**
 * A camera's chains, planned for the size its frames actually have: the first frame (or one of a
 * new size, or new chains after a reload) plans them once; every other frame runs the plans. They
 * run in the kernel worker, or on the main thread when they are cheap and not needed every frame
 * (kernel-placement.ts). Old plans are removed from the worker once replaced. It fits the
 * pipeline's FrameKernels port (checked where the daemon hands it to a CameraPipeline).
 * @example const kernels = new CameraKernels(worker, 'front', chains.preprocess, chains.edges); await kernels.run(frame, want)
 */
export class CameraKernels {
  #slot: KernelPlans | undefined;
  #key: string | undefined;
  #generation = 0;
  #preprocess: ChainConfig | undefined;
  #edges: ChainConfig | undefined;

  constructor(
    private readonly worker: KernelWorker,
    private readonly camera: string,
    preprocess: ChainConfig | undefined,
    edges: ChainConfig | undefined,
  ) {
    this.#preprocess = preprocess;
    this.#edges = edges;
  }

  get hasEdges(): boolean {
    return this.#edges !== undefined;
  }

  /** The engine the current plans run on ('wasm-simd', 'typescript', 'none'), once planned. */
  get engine(): string | undefined {
    return this.#slot?.engine;
  }

  /** New chains, planned at the next frame. */
  setChains(preprocess: ChainConfig | undefined, edges: ChainConfig | undefined): void {
    this.#preprocess = preprocess;
    this.#edges = edges;
    this.#slot = undefined;
  }

  async run(frame: Frame, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput> {
    if (this.#preprocess === undefined && (this.#edges === undefined || !want.edges)) {
      return { preprocessed: frame, edges: undefined };
    }
    let slot = this.#slot;
    const input = slot?.input;
    if (
      slot === undefined ||
      input!.width !== frame.width ||
      input!.height !== frame.height ||
      input!.channels !== frame.channels
    ) {
      const shape = { width: frame.width, height: frame.height, channels: frame.channels };
      const key = runsInThread(this.#preprocess, this.#edges, shape)
        ? undefined
        : `${this.camera}#${this.#generation++}`;
      slot =
        key === undefined
          ? new InThreadPlans(shape, this.#preprocess, this.#edges)
          : await this.worker.camera(key, shape, this.#preprocess, this.#edges);
      if (this.#key !== undefined) this.worker.remove(this.#key);
      this.#key = key;
      this.#slot = slot;
    }
    return slot.run(frame, want);
  }

  /** Removes the plans from the worker. */
  close(): void {
    if (this.#key !== undefined) this.worker.remove(this.#key);
    this.#key = undefined;
    this.#slot = undefined;
  }
}
