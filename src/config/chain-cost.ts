import type { Shape } from '../frame.js';
import { conv2dShape } from '../kernels/conv2d.js';
import { separate } from '../kernels/kernel.js';
import { filterEngine } from '../kernels/plan.js';
import type { ChainConfig } from './chain-schema.js';
import { chainFor, resolveChain } from './chains.js';
import type { PathProblem } from './issues.js';
import { INLINE_KERNEL_NAME } from './kernel-ref.js';
import type { CameraConfig, Config } from './schema.js';
import { frameSize } from './source-schema.js';

/**
 * Estimates what each camera's chains cost a frame and warns where that is more than the camera's
 * frame interval: such a chain makes every frame late (and blocks the camera's start while its plan
 * is built). An estimate, not a measurement: multiply-adds per frame over a rate each engine keeps
 * on a slow board, so that it errs towards warning.
 */

/**
 * Multiply-adds a second, on the low side. Measured on a 2-core x86-64 machine with the plans
 * `npm run bench:kernels` times (640x480 RGB): the WebAssembly SIMD path about 10 G/s (Gaussian
 * 11x11, separable) and the TypeScript reference, which runs what the fixed-point recipes cannot
 * (gaussian101 and wider, stride > 1), 0.25 to 0.8 G/s. A Raspberry Pi 4 is some 3 to 5 times
 * slower; these rates leave room for that.
 */
const MULTIPLY_ADDS_PER_SECOND = { 'wasm-simd': 2.5e9, typescript: 2e8 } as const;
/** An edge step: gray conversion, two 3x3 Sobel passes and the magnitude, per pixel, on wasm. */
const EDGE_MULTIPLY_ADDS_PER_PIXEL = 20;

/** The cost of a chain on a frame: seconds, and what made them. */
interface ChainCost {
  readonly seconds: number;
  readonly multiplyAdds: number;
  /** The step that costs most, in words: "gaussian2001 (separable, TypeScript)". */
  readonly heaviest: string;
}

/**
 * A warning for each camera chain whose estimated cost a frame is more than 1/fps.
 * @example chainCostWarnings(config) // [{ segments: ['cameras', 0, 'preprocess'], message: 'chain "blur" ...' }]
 */
export function chainCostWarnings(config: Config): PathProblem[] {
  const warnings: PathProblem[] = [];
  config.cameras.forEach((camera, index) => {
    for (const slot of ['preprocess', 'edges'] as const) {
      const steps = chainFor(config, camera[slot]);
      if (steps === undefined) continue;
      const frame = { ...frameSize(camera), channels: camera.gray ? 1 : 3 };
      const cost = chainCost(steps, frame);
      const intervalMs = 1000 / camera.fps;
      if (cost.seconds * 1000 <= intervalMs) continue;
      warnings.push(costWarning(camera, index, slot, cost, frame, intervalMs));
    }
  });
  return warnings;
}

/** The estimated cost of `steps` run on frames of `frame`'s shape. */
export function chainCost(steps: ChainConfig, frame: Shape): ChainCost {
  let shape: Shape = frame;
  let seconds = 0;
  let multiplyAdds = 0;
  let heaviest = { seconds: -1, what: '' };
  for (const step of resolveChain(steps)) {
    let stepMultiplyAdds: number;
    let stepSeconds: number;
    let what: string;
    if (step.kind === 'edges') {
      stepMultiplyAdds = shape.width * shape.height * EDGE_MULTIPLY_ADDS_PER_PIXEL;
      stepSeconds = stepMultiplyAdds / MULTIPLY_ADDS_PER_SECOND['wasm-simd'];
      shape = { width: shape.width, height: shape.height, channels: 1 };
      what = 'the edge map';
    } else {
      const { kernel, options, policy } = step;
      const engine = filterEngine(kernel, shape, options, policy);
      const separable = separate(kernel) !== undefined;
      const out = conv2dShape(shape, kernel, options);
      const taps = separable ? kernel.width + kernel.height : kernel.width * kernel.height;
      stepMultiplyAdds = out.width * out.height * out.channels * taps;
      stepSeconds = stepMultiplyAdds / MULTIPLY_ADDS_PER_SECOND[engine];
      shape = out;
      const name = kernel.name === INLINE_KERNEL_NAME ? 'an inline kernel' : kernel.name;
      what = `${name} ${kernel.width}x${kernel.height} (${separable ? 'separable' : 'direct'}, ${engine === 'wasm-simd' ? 'WebAssembly' : 'TypeScript'})`;
    }
    seconds += stepSeconds;
    multiplyAdds += stepMultiplyAdds;
    if (stepSeconds > heaviest.seconds) heaviest = { seconds: stepSeconds, what };
  }
  return { seconds, multiplyAdds, heaviest: heaviest.what };
}

function costWarning(
  camera: CameraConfig,
  index: number,
  slot: 'preprocess' | 'edges',
  cost: ChainCost,
  frame: Shape,
  intervalMs: number,
): PathProblem {
  const ref = camera[slot];
  const chain = typeof ref === 'string' ? `chain "${ref}"` : `the ${slot} steps`;
  const colour = frame.channels === 1 ? 'gray' : 'RGB';
  return {
    segments: ['cameras', index, slot],
    value: ref,
    message:
      `${chain} would take about ${duration(cost.seconds)} a frame on camera "${camera.id}" ` +
      `(${frame.width}x${frame.height} ${colour}, estimated from ${(cost.multiplyAdds / 1e9).toPrecision(3)} G multiply-adds; ` +
      `most in ${cost.heaviest}), longer than its frame interval of ${duration(intervalMs / 1000)} (fps ${camera.fps}): every frame would be late`,
    fix: "use a smaller kernel (gaussian<N> costs about 2N multiply-adds a pixel), lower the camera's width, height or fps, or set gray: true",
  };
}

/** Seconds as people read them: "1.5 s", "240 s", "100 ms". */
function duration(seconds: number): string {
  if (seconds >= 10) return `${Math.round(seconds)} s`;
  if (seconds >= 1) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds * 1000)} ms`;
}
