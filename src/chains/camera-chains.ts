import type { StepConfig } from '../config/chain-schema.js';
import type { Image, Shape } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import { type ChainRunner, chainRunner, chainsEngine } from './chain-runner.js';

/**
 * A camera's preprocess and edge chains planned for one input shape, with their outputs allocated
 * once: two for preprocess (a model may still read one while the next frame is filtered into the
 * other) and one edge map. The kernel worker allocates them in shared memory; InThreadPlans in
 * its own. Throws as chainRunner does when a chain cannot run on `input`.
 * @example const chains = new CameraChains(shape, undefined, [{ kernel: 'gaussian5' }, { edges: 'L1' }]); chains.run(frame, { preprocess: false, edges: true }, 0)
 */
export class CameraChains {
  /** 'wasm-simd', 'typescript' or 'none' (chainsEngine). */
  readonly engine: string;
  readonly preprocess: readonly [Image<Uint8Array>, Image<Uint8Array>] | undefined;
  readonly edges: Image<Uint8Array> | undefined;
  readonly #pre: ChainRunner | undefined;
  readonly #edge: ChainRunner | undefined;

  constructor(
    input: Shape,
    preprocess: readonly StepConfig[] | undefined,
    edges: readonly StepConfig[] | undefined,
    allocate: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
  ) {
    this.#pre = preprocess === undefined ? undefined : chainRunner(preprocess, input);
    this.#edge = edges === undefined ? undefined : chainRunner(edges, input);
    const outputOf = ({ output }: ChainRunner) => ({
      ...output,
      data: allocate(output.width * output.height * output.channels),
    });
    this.preprocess = this.#pre === undefined ? undefined : [outputOf(this.#pre), outputOf(this.#pre)];
    this.edges = this.#edge === undefined ? undefined : outputOf(this.#edge);
    this.engine = chainsEngine(this.#pre, this.#edge);
  }

  /** Runs the wanted chains on `input`, preprocess into output `slot`; returns where each went. */
  run(input: Image<Uint8Array>, want: { preprocess: boolean; edges: boolean }, slot: 0 | 1): KernelOutput {
    let preprocessed = input;
    if (want.preprocess && this.#pre !== undefined) {
      preprocessed = this.preprocess![slot];
      this.#pre.run(input, preprocessed);
    }
    let edges: Image<Uint8Array> | undefined;
    if (want.edges && this.#edge !== undefined) {
      edges = this.edges!;
      this.#edge.run(input, edges);
    }
    return { preprocessed, edges };
  }
}
