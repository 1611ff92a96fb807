import { EdgecamError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { describe } from './describe.js';
import { createKernel } from './kernel.js';
import type { Kernel } from './types.js';

/**
 * The largest box<N> or gaussian<N>. Their weights are built whole, N x N floats: 16 MB at 2047,
 * while gaussian100001 asked for 40 GB and crashed the config check. A Gaussian that wide on a
 * 4000x4000 camera already costs seconds a frame (the config warns of that).
 */
export const MAX_KERNEL_SIZE = 2047;

// Orientation below is stated for both modes because the default, `convolve`, rotates the kernel
// 180 degrees before sliding it: a kernel's matrix read as a picture describes `correlate` only.
// test/unit/kernels/orientation.test.ts checks every statement on synthetic step edges.

/**
 * identity: returns the image unchanged.
 * ```
 * 0 0 0
 * 0 1 0
 * 0 0 0
 * ```
 */
const identity = createKernel({
  name: 'identity',
  description: 'Returns the image unchanged (centre weight 1).',
  weights: [
    [0, 0, 0],
    [0, 1, 0],
    [0, 0, 0],
  ],
});

/**
 * sharpen: the centre against its 4 neighbours; sums to 1, so flat areas keep their value.
 * ```
 *  0 -1  0
 * -1  5 -1
 *  0 -1  0
 * ```
 */
const sharpen = createKernel({
  name: 'sharpen',
  description:
    'Sharpens: boosts each pixel against its 4 neighbours; flat areas keep their value (sums to 1).',
  weights: [
    [0, -1, 0],
    [-1, 5, -1],
    [0, -1, 0],
  ],
});

/**
 * outline (seed 001 "outline"; seed 003's Laplace kernel: all -1, centre size*size - 1). Symmetric,
 * so both modes agree: positive on the bright side of any edge, negative on the dark side, 0 on flat areas.
 * ```
 * -1 -1 -1
 * -1  8 -1
 * -1 -1 -1
 * ```
 */
const outline = createKernel({
  name: 'outline',
  description:
    'Edges in every direction (8-neighbour Laplacian): positive on the bright side of an edge, negative on the dark side, 0 on flat areas.',
  weights: [
    [-1, -1, -1],
    [-1, 8, -1],
    [-1, -1, -1],
  ],
});

/**
 * laplacian: the 4-neighbour (negated) Laplacian; symmetric, so both modes agree. Like outline
 * without the diagonals: positive on the bright side of an edge, negative on the dark side.
 * ```
 *  0 -1  0
 * -1  4 -1
 *  0 -1  0
 * ```
 */
const laplacian = createKernel({
  name: 'laplacian',
  description:
    'Edges in every direction (4-neighbour Laplacian): positive on the bright side of an edge, negative on the dark side, 0 on flat areas.',
  weights: [
    [0, -1, 0],
    [-1, 4, -1],
    [0, -1, 0],
  ],
});

/**
 * sobel-left: vertical edges. convolve (default): positive where the image gets brighter to the
 * RIGHT (dark | bright); correlate: positive where it gets brighter to the LEFT (bright | dark).
 * ```
 * 1 0 -1
 * 2 0 -2
 * 1 0 -1
 * ```
 */
const sobelLeft = createKernel({
  name: 'sobel-left',
  description:
    'Vertical edges. convolve: positive where the image gets brighter to the right (dark|bright), negative where darker; correlate: the opposite (positive for bright|dark).',
  weights: [
    [1, 0, -1],
    [2, 0, -2],
    [1, 0, -1],
  ],
});

/**
 * sobel-right: sobel-left negated. convolve (default): positive where the image gets brighter to
 * the LEFT (bright | dark); correlate: positive where it gets brighter to the RIGHT (dark | bright).
 * ```
 * -1 0 1
 * -2 0 2
 * -1 0 1
 * ```
 */
const sobelRight = createKernel({
  name: 'sobel-right',
  description:
    'Vertical edges. convolve: positive where the image gets brighter to the left (bright|dark), negative where darker; correlate: the opposite (positive for dark|bright).',
  weights: [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
});

/**
 * sobel-top: horizontal edges. convolve (default): positive where the image gets brighter going
 * DOWN (dark above, bright below); correlate: positive where it gets brighter going UP.
 * ```
 *  1  2  1
 *  0  0  0
 * -1 -2 -1
 * ```
 */
const sobelTop = createKernel({
  name: 'sobel-top',
  description:
    'Horizontal edges. convolve: positive where the image gets brighter going down (dark above, bright below); correlate: the opposite (positive for bright above dark).',
  weights: [
    [1, 2, 1],
    [0, 0, 0],
    [-1, -2, -1],
  ],
});

/**
 * sobel-bottom: sobel-top negated. convolve (default): positive where the image gets brighter
 * going UP (bright above, dark below); correlate: positive where it gets brighter going DOWN.
 * ```
 * -1 -2 -1
 *  0  0  0
 *  1  2  1
 * ```
 */
const sobelBottom = createKernel({
  name: 'sobel-bottom',
  description:
    'Horizontal edges. convolve: positive where the image gets brighter going up (bright above, dark below); correlate: the opposite (positive for dark above bright).',
  weights: [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
});

/**
 * horizontal-edge (seed 002's hand exercise, a Prewitt filter). Seed 002 multiplies weight by
 * matching pixel, i.e. correlate: positive where the image gets brighter going DOWN. convolve
 * (default): positive where it gets brighter going UP (bright above, dark below).
 * ```
 * -1 -1 -1
 *  0  0  0
 *  1  1  1
 * ```
 */
const horizontalEdge = createKernel({
  name: 'horizontal-edge',
  description:
    'Horizontal edges (Prewitt, seed 002). convolve: positive where the image gets brighter going up (bright above, dark below); correlate (seed 002 by hand): positive for dark above bright.',
  weights: [
    [-1, -1, -1],
    [0, 0, 0],
    [1, 1, 1],
  ],
});

/**
 * emboss: sums to 1, so flat areas keep their value; edges become relief. convolve (default):
 * brighter where the upper-left side of an edge is the bright one, darker where the lower-right
 * side is (lit from the top-left); correlate: the reverse (lit from the bottom-right).
 * ```
 * -2 -1 0
 * -1  1 1
 *  0  1 2
 * ```
 */
const emboss = createKernel({
  name: 'emboss',
  description:
    'Relief; flat areas keep their value (sums to 1). convolve: raises edges whose upper-left side is brighter, sinks those whose lower-right side is; correlate: the reverse.',
  weights: [
    [-2, -1, 0],
    [-1, 1, 1],
    [0, 1, 2],
  ],
});

/**
 * The named kernel library, in `edgecam kernel list` order. Also resolvable by name:
 * box<N>, gaussian<N> and gaussian<N>:<sigma> (see resolveKernel).
 * @example kernels.map((k) => k.name) // ['identity', 'box3', 'gaussian5', ...]
 */
export const kernels: readonly Kernel[] = Object.freeze([
  identity,
  box(3),
  gaussian(5, defaultSigma(5)),
  gaussian(11, defaultSigma(11)),
  sharpen,
  outline,
  laplacian,
  sobelLeft,
  sobelRight,
  sobelTop,
  sobelBottom,
  horizontalEdge,
  emboss,
]);

/**
 * The names in the library (not the parametrised forms).
 * @example kernelNames().includes('sobel-left') // true
 */
export function kernelNames(): string[] {
  return kernels.map((k) => k.name);
}

const BOX = /^box(\d+)$/;
const GAUSSIAN = /^gaussian(\d+)(?::(.*))?$/;

/**
 * A kernel by library name or parametrised name: `box<N>` (N x N mean, N odd), `gaussian<N>`
 * (sigma = 0.3*((N-1)*0.5-1)+0.8, OpenCV's default) or `gaussian<N>:<sigma>`. Case and
 * surrounding spaces are ignored. Unknown names throw EDGECAM_ERR_KERNEL_UNKNOWN with a suggestion.
 * @example resolveKernel('gaussian7:1.5').width // 7
 */
export function resolveKernel(name: string): Kernel {
  if (typeof name !== 'string') {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL_UNKNOWN',
      `Expected a kernel name but received ${describe(name)}`,
    );
  }
  const key = name.trim().toLowerCase();
  const named = kernels.find((k) => k.name === key);
  if (named !== undefined) return named;
  const boxMatch = BOX.exec(key);
  if (boxMatch !== null) return box(Number(boxMatch[1]));
  const gaussianMatch = GAUSSIAN.exec(key);
  if (gaussianMatch !== null) {
    const size = Number(gaussianMatch[1]);
    const sigmaText = gaussianMatch[2];
    if (sigmaText === undefined) return gaussian(size, defaultSigma(size));
    const sigma = sigmaText.trim() === '' ? Number.NaN : Number(sigmaText);
    if (!Number.isFinite(sigma) || sigma <= 0) {
      throw new EdgecamError(
        'EDGECAM_ERR_KERNEL',
        `Expected a positive number for the sigma in '${name}' but received '${sigmaText}': write e.g. gaussian${size}:1.5`,
      );
    }
    return gaussian(size, sigma);
  }
  const suggestion = didYouMean(key, kernelNames());
  throw new EdgecamError(
    'EDGECAM_ERR_KERNEL_UNKNOWN',
    `Unknown kernel '${name}'${suggestion === undefined ? '' : `: did you mean '${suggestion}'?`} ` +
      `Known kernels: ${kernelNames().join(', ')}; also box<N>, gaussian<N> and gaussian<N>:<sigma> (N odd).`,
  );
}

/**
 * OpenCV's sigma for a Gaussian of size N when none is given: 0.3*((N-1)*0.5-1)+0.8.
 * (OpenCV itself uses fixed binomial tables for N <= 7 in that case; edgecam always samples.)
 * @example defaultSigma(5) // 1.1
 */
export function defaultSigma(size: number): number {
  return 0.3 * ((size - 1) * 0.5 - 1) + 0.8;
}

/**
 * A sampled 1-D Gaussian exp(-(i-c)^2 / (2 sigma^2)), c the centre, normalised to sum 1.
 * @example gaussian1d(3, 1) // Float32Array [0.274, 0.452, 0.274]
 */
export function gaussian1d(size: number, sigma: number): Float32Array {
  checkOddSize(size, 'Gaussian', 'gaussian');
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Expected a positive number for Gaussian sigma but received ${describe(sigma)}`,
    );
  }
  return Float32Array.from(sampledGaussian(size, sigma));
}

/**
 * The N x N Gaussian blur of seed 001: the outer product of a sampled 1-D Gaussian with itself,
 * normalised to sum 1.
 * @example gaussian(5, 1.1).name // 'gaussian5'
 */
export function gaussian(size: number, sigma: number): Kernel {
  gaussian1d(size, sigma); // validates
  const g = sampledGaussian(size, sigma);
  const weights = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) weights[y * size + x] = g[y]! * g[x]!;
  }
  const isDefault = Math.abs(sigma - defaultSigma(size)) < 1e-12;
  return createKernel({
    name: isDefault ? `gaussian${size}` : `gaussian${size}:${sigma}`,
    description: `Gaussian blur, ${size}x${size}, sigma ${Number(sigma.toPrecision(4))}: weighted mean, centre heaviest (sums to 1).`,
    weights,
    width: size,
    height: size,
  });
}

/**
 * The N x N mean (every weight 1/N^2), N odd.
 * @example box(3).weights[0] // 0.1111
 */
export function box(size: number): Kernel {
  checkOddSize(size, 'box', 'box');
  return createKernel({
    name: `box${size}`,
    description: `Box blur: mean of the ${size}x${size} window (sums to 1).`,
    weights: new Float32Array(size * size).fill(1 / (size * size)),
    width: size,
    height: size,
  });
}

function sampledGaussian(size: number, sigma: number): Float64Array {
  const g = new Float64Array(size);
  const centre = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma));
    sum += g[i]!;
  }
  for (let i = 0; i < size; i++) g[i] = g[i]! / sum;
  return g;
}

function checkOddSize(size: unknown, what: string, prefix: string): void {
  if (typeof size === 'number' && Number.isInteger(size) && size > MAX_KERNEL_SIZE) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Expected a ${what} size of at most ${MAX_KERNEL_SIZE} but received ${size}: use ${prefix}${MAX_KERNEL_SIZE} or smaller (a blur that wide is better done on a smaller frame: lower the camera's width and height)`,
    );
  }
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size % 2 === 0) {
    const hint =
      typeof size === 'number' && Number.isInteger(size) && size >= 2
        ? `: try ${prefix}${size - 1} or ${prefix}${size + 1}`
        : '';
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Expected an odd integer >= 1 for ${what} size but received ${describe(size)}${hint}`,
    );
  }
}
