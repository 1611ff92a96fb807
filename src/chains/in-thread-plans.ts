import type { ChainConfig } from '../config/chain-schema.js';
import type { Frame, Shape } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import { CameraChains } from './camera-chains.js';
import type { KernelPlans } from './kernel-plans.js';

/**
 * A camera's chains run on the calling thread, as the kernel worker would run them (the same
 * CameraChains, the same alternating preprocess outputs), for chains too cheap to be worth a
 * thread of their own (kernel-placement.ts). Throws as chainRunner does when a chain cannot run on
 * `input`.
 * @example const plans = new InThreadPlans(shape, undefined, [{ kernel: 'gaussian5' }, { edges: 'L1' }]); const { edges } = await plans.run(frame, { preprocess: false, edges: true })
 */
export class InThreadPlans implements KernelPlans {
  readonly input: Shape;
  readonly engine: string;
  readonly #chains: CameraChains;
  #slot: 0 | 1 = 0;

  constructor(input: Shape, preprocess: ChainConfig | undefined, edges: ChainConfig | undefined) {
    this.input = input;
    this.#chains = new CameraChains(input, preprocess, edges);
    this.engine = this.#chains.engine;
  }

  async run(frame: Frame, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput> {
    const slot = this.#slot;
    if (want.preprocess && this.#chains.preprocess !== undefined) this.#slot = slot === 0 ? 1 : 0;
    return this.#chains.run(frame, want, slot);
  }
}
