import { EdgecamError } from '../errors.js';
import { describe } from './describe.js';
import { resolveConvOptions } from './options.js';
import { borderIndexMap, resolvePadding } from './padding.js';
import { outputSize } from './size.js';
import type { ConvOptions } from './types.js';

/**
 * 1-D convolution with conv2d's semantics and defaults (convolve, 'same', zero border, stride 1):
 * out[o] = sum padded[o*S + k] * K'[k], K' the kernel reversed for `convolve`.
 * @example conv1d([1, 2, 3, 4, 5], [2, 3, 4], { padding: 'full' }) // [2, 7, 16, 25, 34, 31, 20] (seed 001's farmer)
 */
export function conv1d(
  signal: ArrayLike<number>,
  kernel: ArrayLike<number>,
  options?: ConvOptions,
): Float32Array {
  checkSequence(signal, 'signal', 'EDGECAM_ERR_ARGUMENT');
  checkSequence(kernel, 'kernel', 'EDGECAM_ERR_KERNEL');
  const { mode, padding, border, stride } = resolveConvOptions(options);
  const F = kernel.length;
  const N = signal.length;
  const P = resolvePadding(padding, F);
  const out = new Float32Array(outputSize(N, F, P, stride));
  const w = new Float64Array(F);
  for (let k = 0; k < F; k++) w[k] = kernel[mode === 'convolve' ? F - 1 - k : k]!;
  const map = borderIndexMap(N, P, border);
  for (let o = 0; o < out.length; o++) {
    const start = o * stride;
    let acc = 0;
    for (let k = 0; k < F; k++) {
      const i = map[start + k]!;
      if (i >= 0) acc += signal[i]! * w[k]!;
    }
    out[o] = acc;
  }
  return out;
}

function checkSequence(
  v: ArrayLike<number>,
  what: string,
  code: 'EDGECAM_ERR_ARGUMENT' | 'EDGECAM_ERR_KERNEL',
): void {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number' || v.length === 0) {
    throw new EdgecamError(
      code,
      `Expected the 1-D ${what} to be a non-empty array of numbers but received ${describe(v)}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) {
      throw new EdgecamError(
        code,
        `Expected a finite number at index ${i} of the 1-D ${what} but received ${describe(v[i])}`,
      );
    }
  }
}
