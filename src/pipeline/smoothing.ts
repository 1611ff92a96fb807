import { gaussian1d } from '../kernels/library.js';

/**
 * Temporal smoothing of a label's score: the seed's 1-D convolution, run over time. The weights
 * are a 1-D kernel from the kernel engine (a box for `mean`, the newer half of a sampled Gaussian
 * for `gaussian`); each frame's smoothed score is that kernel correlated with the last N scores
 * ('valid' padding, one output), with scores before the label appeared counting as 0.
 */

export type SmoothingKernel = 'mean' | 'gaussian';

/**
 * The weights over the last `frames` scores, oldest first, summing to 1.
 * @example smoothingWeights('mean', 4) // Float64Array [0.25, 0.25, 0.25, 0.25]
 */
export function smoothingWeights(kernel: SmoothingKernel, frames: number): Float64Array {
  if (kernel === 'mean') return new Float64Array(frames).fill(1 / frames);
  // A Gaussian 2N-1 wide centred on the newest frame, of which the past half applies: the newest
  // frame weighs most and the oldest about a quarter as much (sigma N/2), so an event reacts sooner
  // than with a mean but one frame still cannot flip it.
  const full = gaussian1d(2 * frames - 1, frames / 2);
  const half = Float64Array.from(full.subarray(0, frames));
  let sum = 0;
  for (const w of half) sum += w;
  for (let i = 0; i < frames; i++) half[i] = half[i]! / sum;
  return half;
}

/**
 * One label's running smoothed score: a ring of the last N values and a dot product per push.
 * @example const s = new ScoreSmoother(smoothingWeights('mean', 2)); s.push(1); s.push(0) // 0.5
 */
export class ScoreSmoother {
  readonly #weights: Float64Array;
  readonly #ring: Float64Array;
  #next = 0;
  #nonZero = 0;

  constructor(weights: Float64Array) {
    this.#weights = weights;
    this.#ring = new Float64Array(weights.length);
  }

  /** True when every value in the window is 0 (the label can be forgotten). */
  get idle(): boolean {
    return this.#nonZero === 0;
  }

  /** Adds this frame's value and returns the smoothed one. */
  push(value: number): number {
    const n = this.#ring.length;
    if (this.#ring[this.#next] !== 0) this.#nonZero--;
    if (value !== 0) this.#nonZero++;
    this.#ring[this.#next] = value;
    this.#next = (this.#next + 1) % n;
    // #next is now the oldest value: weight 0 applies to it.
    let acc = 0;
    for (let k = 0; k < n; k++) acc += this.#ring[(this.#next + k) % n]! * this.#weights[k]!;
    return acc;
  }
}
