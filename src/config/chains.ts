import type { EdgeMapOptions } from '../kernels/edges.js';
import { type ResolvedConvOptions, resolveConvOptions } from '../kernels/options.js';
import type { Kernel, Uint8Policy } from '../kernels/types.js';
import type { ChainConfig, ChainRefConfig, StepConfig } from './chain-schema.js';
import { buildKernel, INLINE_KERNEL_NAME } from './kernel-ref.js';
import type { CameraConfig, Config } from './schema.js';

/**
 * A chain step compiled for the pipeline: a Kernel object with every option filled in (a
 * kernel step has the shape createChainPlan takes), or an edge map's options (createEdgePlan).
 */
export type ResolvedStep =
  | {
      readonly kind: 'kernel';
      readonly kernel: Kernel;
      readonly options: ResolvedConvOptions;
      readonly policy: Uint8Policy;
    }
  | { readonly kind: 'edges'; readonly options: EdgeMapOptions };

const CLAMP: Uint8Policy = Object.freeze({ kind: 'clamp' });
const ABS: Uint8Policy = Object.freeze({ kind: 'abs' });

/**
 * Compiles validated chain steps: kernels built, convolution defaults (convolve, same, zero,
 * stride 1) and the 8-bit policy (clamp) filled in. Throws the engine's EdgecamError for steps
 * that did not come through the schema.
 * @example resolveChain(config.kernels.chains.edges) // [{ kind: 'kernel', kernel: gaussian5, ... }, { kind: 'edges', ... }]
 */
export function resolveChain(steps: readonly StepConfig[]): ResolvedStep[] {
  return steps.map((step): ResolvedStep => {
    if ('edges' in step) {
      return Object.freeze({
        kind: 'edges',
        options: Object.freeze({
          norm: step.edges,
          ...(step.threshold === undefined ? {} : { threshold: step.threshold }),
        }),
      });
    }
    const { mode, padding, border, stride, output } = step;
    return Object.freeze({
      kind: 'kernel',
      kernel: buildKernel(step.kernel, INLINE_KERNEL_NAME),
      options: Object.freeze(resolveConvOptions({ mode, padding, border, stride })),
      policy:
        output === undefined || output === 'clamp'
          ? CLAMP
          : output === 'abs'
            ? ABS
            : Object.freeze({ kind: 'scale', scale: output.scale, offset: output.offset }),
    });
  });
}

/**
 * The steps a camera's `preprocess` or `edges` stands for: the named chain, the inline list,
 * or undefined when the camera leaves it out (a validated config names only chains it has).
 * @example chainFor(config, config.cameras[0].edges) // config.kernels.chains.edges
 */
export function chainFor(config: Config, ref: ChainRefConfig | undefined): ChainConfig | undefined {
  if (ref === undefined) return undefined;
  const steps = typeof ref === 'string' ? config.kernels.chains[ref] : ref;
  // An empty chain (`preprocess: []`) means no filtering, the same as leaving the key out.
  return steps === undefined || steps.length === 0 ? undefined : steps;
}

/**
 * A camera's two chains, compiled: what the pipeline builds its plans from at start-up.
 * @example const { preprocess, edges } = cameraChains(config, config.cameras[0])
 */
export function cameraChains(
  config: Config,
  camera: CameraConfig,
): { preprocess: ResolvedStep[] | undefined; edges: ResolvedStep[] | undefined } {
  const compile = (ref: ChainRefConfig | undefined) => {
    const steps = chainFor(config, ref);
    return steps === undefined ? undefined : resolveChain(steps);
  };
  return { preprocess: compile(camera.preprocess), edges: compile(camera.edges) };
}
