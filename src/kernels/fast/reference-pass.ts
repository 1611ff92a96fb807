import type { Image } from '../../frame.js';
import { conv2d } from '../conv2d.js';
import { type EdgeMapOptions, sobelMagnitude } from '../edges.js';
import type { ConvOptions, Kernel, Uint8Policy } from '../types.js';
import { toUint8 } from '../uint8.js';
import type { WasmPass } from './filter-pass.js';

// The target image is rebound to each run's output buffer instead of allocated per run.
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The TypeScript reference (conv2d, then toUint8) behind the same interface as a wasm pass,
 * for what wasm does not cover; its float buffer is allocated once.
 * @example createReferenceFilter(kernel, { width: 8, height: 8, channels: 1 }, {}, { kind: 'clamp' })
 */
export function createReferenceFilter(
  kernel: Kernel,
  output: { width: number; height: number; channels: number },
  options: ConvOptions | undefined,
  policy: Uint8Policy,
): WasmPass {
  const sums: Image<Float32Array> = {
    ...output,
    data: new Float32Array(output.width * output.height * output.channels),
  };
  const target: Writable<Image<Uint8Array>> = { ...output, data: new Uint8Array(0) };
  return {
    run(input, out) {
      conv2d(input, kernel, options, sums);
      target.data = out;
      toUint8(sums, policy, target);
    },
  };
}

/**
 * The TypeScript reference edge map behind the pass interface.
 * @example createReferenceEdges({ width: 8, height: 8, channels: 3 }, { norm: 'L1' })
 */
export function createReferenceEdges(
  output: { width: number; height: number },
  options: EdgeMapOptions,
): WasmPass {
  const target: Writable<Image<Uint8Array>> = { ...output, channels: 1, data: new Uint8Array(0) };
  return {
    run(input, out) {
      target.data = out;
      sobelMagnitude(input, options, target);
    },
  };
}
