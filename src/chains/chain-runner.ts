import type { StepConfig } from '../config/chain-schema.js';
import { resolveChain } from '../config/chains.js';
import type { Image, Shape } from '../frame.js';
import { createChainPlan, createEdgePlan, type FilterPlan } from '../kernels/plan.js';

/**
 * A camera's chain (preprocess or edges) as plans for one frame size: consecutive kernel steps
 * become one chain plan, each edge step an edge plan. Built once per size; running it allocates
 * nothing (each plan reuses its buffer, and the last writes into the caller's).
 */
export interface ChainRunner {
  readonly output: Shape;
  /** Runs the chain on `input`, the last step writing into `out`. */
  run(input: Image<Uint8Array>, out: Image<Uint8Array>): void;
  /** 'wasm-simd' when every step runs on WebAssembly. */
  readonly engine: FilterPlan['engine'];
}

/**
 * Plans `steps` (validated config steps) for frames of `input`'s shape.
 * @example const edges = chainRunner([{ kernel: 'gaussian5' }, { edges: 'L1' }], { width: 640, height: 480, channels: 3 })
 */
export function chainRunner(steps: readonly StepConfig[], input: Shape): ChainRunner {
  const plans: FilterPlan[] = [];
  let shape = input;
  let kernels: Parameters<typeof createChainPlan>[0][number][] = [];
  const flush = () => {
    if (kernels.length === 0) return;
    const plan = createChainPlan(kernels, shape);
    plans.push(plan);
    shape = plan.output;
    kernels = [];
  };
  for (const step of resolveChain(steps)) {
    if (step.kind === 'kernel') {
      kernels.push({ kernel: step.kernel, options: step.options, policy: step.policy });
      continue;
    }
    flush();
    const plan = createEdgePlan(shape, step.options);
    plans.push(plan);
    shape = plan.output;
  }
  flush();
  const last = plans.length - 1;
  return {
    output: shape,
    engine: plans.every((p) => p.engine === 'wasm-simd') ? 'wasm-simd' : 'typescript',
    run(input, out) {
      let image = input;
      for (let i = 0; i < last; i++) image = plans[i]!.run(image);
      plans[last]!.run(image, out);
    },
  };
}

/**
 * The engine a camera's chains run on, as reported: 'none' without chains, 'wasm-simd' when every
 * step of every chain runs on WebAssembly, else 'typescript'.
 * @example chainsEngine(chainRunner(edges, shape), undefined) // 'wasm-simd'
 */
export function chainsEngine(...runners: (ChainRunner | undefined)[]): string {
  const engines = runners.filter((r) => r !== undefined).map((r) => r.engine);
  if (engines.length === 0) return 'none';
  return engines.every((e) => e === 'wasm-simd') ? 'wasm-simd' : 'typescript';
}
