/**
 * The running background frame differencing compares against: an exponential average of the
 * blurred gray frames (bg += rate (frame - bg)), with the lighting of each frame fitted first.
 *
 * A global lighting change (a cloud, auto-exposure, lights switched on) shifts every pixel at
 * once; against a plain average it would read as motion everywhere. So each frame is first
 * matched to the background by least squares, frame ~ gain * bg + offset, over the pixels that
 * count (twice: the second fit leaves out pixels the first found far off, which are what moves),
 * and only what that fit leaves unexplained is motion. The background then takes the fitted
 * lighting at once (bg = gain * bg + offset, before the average), so it adapts to the new light
 * in one frame, not over 1/rate frames.
 */

/** A fit this close to (1, 0) is the same lighting: the background is left as it is. */
const SAME_GAIN = 0.01;
const SAME_OFFSET = 0.5;
/** Below this correlation of frame and background the fit is no lighting change. */
const MIN_CORRELATION = 0.8;
/** Light changes the picture by at most this factor (or its inverse) from one frame to the next. */
const MAX_GAIN = 2;

export interface Lighting {
  readonly gain: number;
  readonly offset: number;
}

export class Background {
  readonly values: Float32Array;
  #primed = false;

  constructor(size: number) {
    this.values = new Float32Array(size);
  }

  /** Whether a frame has been taken in yet (the first frame has nothing to differ from). */
  get primed(): boolean {
    return this.#primed;
  }

  /** Takes `frame` as the background outright (the first frame, or a picture changed wholesale). */
  reset(frame: Uint8Array): void {
    this.values.set(frame);
    this.#primed = true;
  }

  /**
   * frame ~ gain * bg + offset over the pixels `mask` counts, leaving out in a second fit those
   * more than `outlier` off the first.
   */
  fitLighting(frame: Uint8Array, mask: Uint8Array, outlier: number): Lighting {
    // The first, rough fit reads every 4th pixel: its only job is to tell the outliers apart.
    const first = leastSquares(this.values, frame, mask, { gain: 1, offset: 0 }, Number.POSITIVE_INFINITY, 4);
    return leastSquares(this.values, frame, mask, first, outlier, 1);
  }

  /**
   * In one pass: marks in `changed` (1, else 0) the pixels `mask` counts that are more than
   * `threshold` off the background in the frame's lighting, and moves the background there (the
   * new lighting at once, then `rate` of the frame mixed in). Returns how many were marked.
   */
  compare(
    frame: Uint8Array,
    lighting: Lighting,
    mask: Uint8Array,
    threshold: number,
    rate: number,
    changed: Uint8Array,
  ): number {
    const bg = this.values;
    const relit = Math.abs(lighting.gain - 1) > SAME_GAIN || Math.abs(lighting.offset) > SAME_OFFSET;
    const gain = relit ? lighting.gain : 1;
    const offset = relit ? lighting.offset : 0;
    let count = 0;
    for (let i = 0; i < bg.length; i++) {
      const b = gain * bg[i]! + offset;
      const d = frame[i]! - b;
      const moved = (d > threshold || d < -threshold) && mask[i] !== 0 ? 1 : 0;
      changed[i] = moved;
      count += moved;
      bg[i] = b + rate * d;
    }
    return count;
  }
}

/** Least squares of frame on bg over counted pixels within `outlier` of `prior`; the prior when too few or too flat. */
function leastSquares(
  bg: Float32Array,
  frame: Uint8Array,
  mask: Uint8Array,
  prior: Lighting,
  outlier: number,
  step: number,
): Lighting {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < bg.length; i += step) {
    if (mask[i] === 0) continue;
    const x = bg[i]!;
    const y = frame[i]!;
    if (Math.abs(y - (prior.gain * x + prior.offset)) > outlier) continue;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  if (n < 16) return prior;
  const variance = n * sxx - sx * sx;
  // A flat background (fog, a wall) gives no gain to fit: an offset only.
  if (variance < n * n * 4) return { gain: 1, offset: (sy - sx) / n };
  const covariance = n * sxy - sx * sy;
  const frameVariance = n * syy - sy * sy;
  // New light keeps the picture's structure: a frame that hardly correlates with the background is
  // another picture (the camera turned), which a fit would flatten into a mean grey. No relighting.
  if (frameVariance <= 0 || covariance / Math.sqrt(variance * frameVariance) < MIN_CORRELATION) return prior;
  const gain = Math.min(MAX_GAIN, Math.max(1 / MAX_GAIN, covariance / variance));
  return { gain, offset: (sy - gain * sx) / n };
}
