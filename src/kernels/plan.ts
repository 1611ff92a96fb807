import { EdgecamError } from '../errors.js';
import type { Image, Shape } from '../frame.js';
import { type EdgeMapOptions, sobelMagnitude } from './edges.js';
import { createEdgePass } from './fast/edge-pass.js';
import { createFilterPass, type WasmPass } from './fast/filter-pass.js';
import { policyGain } from './fast/output-mode.js';
import { chooseRecipe, type KernelRecipe } from './fast/quantize.js';
import { createReferenceEdges, createReferenceFilter } from './fast/reference-pass.js';
import { type ConvGeometry, planConv } from './geometry.js';
import { checkShape, shapeOf, shapeText } from './image.js';
import { checkKernel, flippedWeights, separate } from './kernel.js';
import type { ConvOptions, Kernel, Uint8Policy } from './types.js';
import { toUint8 } from './uint8.js';
import { loadKernelModule } from './wasm/module.js';

/**
 * A filter prepared once for one input shape: the hot-path entry of the pipeline. Every check
 * happened at creation; `run` allocates nothing and gives the same bytes whichever engine runs it
 * (integer kernels exactly; fixed-point float kernels within +-1 of the TypeScript reference).
 */
export interface FilterPlan {
  readonly input: Shape;
  readonly output: Shape;
  /** Which path this plan runs, for logs and metrics. */
  readonly engine: 'wasm-simd' | 'typescript';
  /** Filters `input`; returns a buffer owned by the plan (overwritten by the next run) unless `out` is given. */
  run(input: Image<Uint8Array>, out?: Image<Uint8Array>): Image<Uint8Array>;
}

/** One step of a chain plan. */
export interface ChainStep {
  readonly kernel: Kernel;
  readonly options?: ConvOptions;
  readonly policy?: Uint8Policy;
}

/**
 * Set to `typescript` to keep every plan off WebAssembly (a debugging switch, and how tests
 * reach the fallback); read at plan creation.
 */
export const ENGINE_ENV = 'EDGECAM_KERNEL_ENGINE';

const CLAMP: Uint8Policy = Object.freeze({ kind: 'clamp' });

/**
 * A uint8 -> uint8 filter (conv2d then toUint8 by `policy`, default clamp) for frames of `input`'s
 * shape, on WebAssembly SIMD where it covers the kernel (stride 1, 2-D kernels, fixed policies).
 * @example const plan = createFilterPlan(resolveKernel('gaussian5'), { width: 640, height: 480, channels: 1 }); plan.run(frame)
 */
export function createFilterPlan(
  kernel: Kernel,
  input: Shape,
  options?: ConvOptions,
  policy: Uint8Policy = CLAMP,
): FilterPlan {
  checkKernel(kernel);
  const g = planConv(input, kernel, options);
  checkPolicy(policy);
  const inShape = shapeOf(input);
  const output = { width: g.outWidth, height: g.outHeight, channels: g.outChannels };
  const mod = fastEngineAllowed() ? loadKernelModule() : undefined;
  const recipe = mod === undefined ? undefined : wasmRecipe(kernel, g, policy);
  const pass =
    mod === undefined || recipe === undefined ? undefined : createFilterPass(mod, g, recipe, policy);
  if (pass !== undefined) return makePlan(inShape, output, 'wasm-simd', pass);
  return makePlan(inShape, output, 'typescript', createReferenceFilter(kernel, output, options, policy));
}

/**
 * The engine createFilterPlan would choose for `kernel` on `input`, without building the plan
 * (for estimates, such as the config's cost of a chain per frame; a scale policy with neither
 * scale nor offset, which the wasm pass declines, is counted as wasm here).
 * @example filterEngine(resolveKernel('gaussian5'), { width: 640, height: 480, channels: 3 }) // 'wasm-simd'
 */
export function filterEngine(
  kernel: Kernel,
  input: Shape,
  options?: ConvOptions,
  policy: Uint8Policy = CLAMP,
): FilterPlan['engine'] {
  const usable = fastEngineAllowed() && loadKernelModule() !== undefined;
  return usable && wasmRecipe(kernel, planConv(input, kernel, options), policy) !== undefined
    ? 'wasm-simd'
    : 'typescript';
}

/** The WebAssembly recipe for `kernel`, or undefined where it covers none (stride > 1, 3-D kernels, no exact-enough form). */
function wasmRecipe(kernel: Kernel, g: ConvGeometry, policy: Uint8Policy): KernelRecipe | undefined {
  if (g.stride !== 1 || kernel.depth !== 1) return undefined;
  const convolve = g.mode === 'convolve';
  const weights = convolve ? flippedWeights(kernel) : kernel.weights;
  const f = separate(kernel);
  const factors =
    f === undefined
      ? undefined
      : {
          column: convolve ? f.column.slice().reverse() : f.column,
          row: convolve ? f.row.slice().reverse() : f.row,
        };
  return chooseRecipe(weights, kernel.width, factors, policyGain(policy));
}

/**
 * Filters applied left to right, each uint8 -> uint8 with its own policy (as OpenCV's filter2D
 * saturates per step); `wasm-simd` only when every step runs there.
 * @example createChainPlan([{ kernel: resolveKernel('gaussian5') }, { kernel: resolveKernel('outline') }], shape)
 */
export function createChainPlan(steps: readonly ChainStep[], input: Shape): FilterPlan {
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a non-empty array of chain steps ({ kernel, options?, policy? }) but received ${steps === null ? 'null' : Array.isArray(steps) ? 'an empty array' : typeof steps}`,
    );
  }
  const plans: FilterPlan[] = [];
  let shape: Shape = input;
  steps.forEach((step, i) => {
    try {
      const plan = createFilterPlan(step?.kernel, shape, step?.options, step?.policy);
      plans.push(plan);
      shape = plan.output;
    } catch (err) {
      if (!(err instanceof EdgecamError)) throw err;
      throw new EdgecamError(err.code, `Chain step ${i} (${describeStep(step)}): ${err.message}`, {
        cause: err,
      });
    }
  });
  const last = plans[plans.length - 1]!;
  const engine = plans.every((p) => p.engine === 'wasm-simd') ? 'wasm-simd' : 'typescript';
  // The last step writes into `out` through an Image; one per distinct buffer (in steady state the
  // same one every frame), so that a run allocates nothing.
  const targets = new WeakMap<Uint8Array, Image<Uint8Array>>();
  const pass: WasmPass = {
    run(frame, out) {
      let image = frame;
      for (let i = 0; i < plans.length - 1; i++) image = plans[i]!.run(image);
      let target = targets.get(out);
      if (target === undefined) {
        target = { ...last.output, data: out };
        targets.set(out, target);
      }
      last.run(image, target);
    },
  };
  return makePlan(shapeOf(input), last.output, engine, pass);
}

/**
 * A Sobel magnitude edge map (see sobelMagnitude: L1 or L2, optional threshold, default border
 * reflect; RGB becomes 8-bit gray first, as rgbToGray) for frames of `input`'s shape, on wasm for
 * gray and RGB frames, byte for byte the reference's.
 * @example createEdgePlan({ width: 640, height: 480, channels: 1 }, { norm: 'L1', threshold: 96 }).run(frame)
 */
export function createEdgePlan(input: Shape, options: EdgeMapOptions): FilterPlan {
  checkShape(input, 'input');
  // The reference validates channels, norm, threshold and border with its own messages.
  sobelMagnitude(
    { width: 1, height: 1, channels: input.channels, data: new Uint8Array(input.channels) },
    options,
  );
  const inShape = shapeOf(input);
  const output = { width: input.width, height: input.height, channels: 1 };
  const mod = fastEngineAllowed() ? loadKernelModule() : undefined;
  if (mod !== undefined) {
    const pass = createEdgePass(
      mod,
      input.width,
      input.height,
      input.channels === 3 ? 3 : 1,
      options.norm,
      options.threshold,
      options.border ?? 'reflect',
    );
    return makePlan(inShape, output, 'wasm-simd', pass);
  }
  return makePlan(inShape, output, 'typescript', createReferenceEdges(output, { ...options }));
}

function makePlan(input: Shape, output: Shape, engine: FilterPlan['engine'], pass: WasmPass): FilterPlan {
  // The plan's own output is made on the first run without `out`: a plan whose caller always passes
  // one (a chain's last step, an edge map written into the camera's buffer) never holds a second
  // (the default edge chain held 1.2 MB it never wrote).
  let own: Image<Uint8Array> | undefined;
  const outLength = output.width * output.height * output.channels;
  const inLength = input.width * input.height * input.channels;
  return Object.freeze({
    input,
    output,
    engine,
    run(frame: Image<Uint8Array>, out?: Image<Uint8Array>): Image<Uint8Array> {
      checkRunImage(frame, input, inLength, 'input');
      if (out !== undefined) {
        checkRunImage(out, output, outLength, 'out');
        if (out.data.buffer === frame.data.buffer) {
          throw new EdgecamError(
            'EDGECAM_ERR_ARGUMENT',
            'Expected out not to share memory with the input: pass a separate buffer or omit out',
          );
        }
      }
      let target = out;
      if (target === undefined) {
        own ??= { ...output, data: new Uint8Array(outLength) };
        target = own;
      }
      pass.run(frame, target.data);
      return target;
    },
  });
}

function checkRunImage(img: Image<Uint8Array>, shape: Shape, length: number, what: string): void {
  if (
    img?.width !== shape.width ||
    img.height !== shape.height ||
    img.channels !== shape.channels ||
    !(img.data instanceof Uint8Array) ||
    img.data.length !== length
  ) {
    const got =
      img?.data instanceof Uint8Array
        ? `${shapeText(img)} with ${img.data.length} bytes`
        : 'an image without Uint8Array data';
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected ${what} to be a ${shapeText(shape)} Uint8Array image (the plan's ${what} shape) but received ${got}: create a plan for each frame size`,
    );
  }
}

function checkPolicy(policy: Uint8Policy): void {
  // toUint8 owns the policy rules and messages; one pixel is enough to apply them.
  toUint8({ width: 1, height: 1, channels: 1, data: new Float32Array(1) }, policy);
}

/** False when ENGINE_ENV keeps plans (and the model input's resampling) off WebAssembly. */
export function fastEngineAllowed(): boolean {
  return process.env[ENGINE_ENV] !== 'typescript';
}

function describeStep(step: ChainStep | undefined): string {
  const name = step?.kernel?.name;
  return typeof name === 'string' ? `'${name}'` : 'no kernel';
}
