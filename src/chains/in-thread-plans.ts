import type { ChainConfig } from '../config/chain-schema.js';
import type { Frame, Image, Shape } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import { type ChainRunner, chainRunner, chainsEngine } from './chain-runner.js';
import type { KernelPlans } from './kernel-plans.js';

/**
 * A camera's chains run on the calling thread, as the kernel worker would run them (same plans,
 * same alternating preprocess outputs), for chains too cheap to be worth a thread of their own
 * (kernel-placement.ts). Throws as chainRunner does when a chain cannot run on `input`.
 * @example const plans = new InThreadPlans(shape, undefined, [{ kernel: 'gaussian5' }, { edges: 'L1' }]); const { edges } = await plans.run(frame, { preprocess: false, edges: true })
 */
export class InThreadPlans implements KernelPlans {
  readonly input: Shape;
  readonly engine: string;
  readonly #preprocess: { runner: ChainRunner; out: [Image<Uint8Array>, Image<Uint8Array>] } | undefined;
  readonly #edges: { runner: ChainRunner; out: Image<Uint8Array> } | undefined;
  #slot: 0 | 1 = 0;

  constructor(input: Shape, preprocess: ChainConfig | undefined, edges: ChainConfig | undefined) {
    this.input = input;
    const pre = preprocess === undefined ? undefined : chainRunner(preprocess, input);
    const edge = edges === undefined ? undefined : chainRunner(edges, input);
    this.#preprocess = pre === undefined ? undefined : { runner: pre, out: [outputOf(pre), outputOf(pre)] };
    this.#edges = edge === undefined ? undefined : { runner: edge, out: outputOf(edge) };
    this.engine = chainsEngine(pre, edge);
  }

  async run(frame: Frame, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput> {
    const input: Image<Uint8Array> = frame;
    let preprocessed: Image<Uint8Array> = frame;
    if (want.preprocess && this.#preprocess !== undefined) {
      preprocessed = this.#preprocess.out[this.#slot];
      this.#slot = this.#slot === 0 ? 1 : 0;
      this.#preprocess.runner.run(input, preprocessed);
    }
    let edges: Image<Uint8Array> | undefined;
    if (want.edges && this.#edges !== undefined) {
      edges = this.#edges.out;
      this.#edges.runner.run(input, edges);
    }
    return { preprocessed, edges };
  }
}

function outputOf(runner: ChainRunner): Image<Uint8Array> {
  const { width, height, channels } = runner.output;
  return { width, height, channels, data: new Uint8Array(width * height * channels) };
}
