/**
 * The kernel engine's vocabulary. Semantics follow the seed articles:
 * - `convolve` flips the kernel in both axes (the mathematical definition, the default);
 *   `correlate` does not (what CNN layers compute).
 * - Output size per axis is (I - F + 2P) / S + 1 and must be whole (see size.ts).
 * - Padding: `valid` P = 0; `same` P = (F - 1) / 2 (odd F only); `full` P = F - 1;
 *   a number is an explicit P on every side. `border` says what the padding holds.
 */

/** Flip the kernel (`convolve`) or not (`correlate`). */
export type ConvMode = 'convolve' | 'correlate';

/**
 * What lies beyond the image edge:
 * `zero` 0; `edge` repeats the border pixel (aaa|abcd|ddd);
 * `reflect` mirrors without repeating it (dcb|abcd|cba: numpy 'reflect', OpenCV BORDER_REFLECT_101).
 */
export type BorderFill = 'zero' | 'edge' | 'reflect';

/** How much padding each side gets. */
export type Padding = 'valid' | 'same' | 'full' | number;

export interface ConvOptions {
  /** Default `convolve`. */
  readonly mode?: ConvMode;
  /** Default `same`. */
  readonly padding?: Padding;
  /** Default `zero`. Ignored for `valid`. */
  readonly border?: BorderFill;
  /** Step between output samples, >= 1 on both axes. Default 1. */
  readonly stride?: number;
}

/**
 * How a float result becomes 8 bits. Every policy rounds to nearest (Math.round) and
 * clamps to 0..255 last.
 * - `clamp`: v
 * - `abs`: |v| (edge responses of either sign become bright)
 * - `scale`: v * scale + offset; with scale and offset omitted, each image's own
 *   min..max is stretched to 0..255 (a constant image becomes 0).
 */
export type Uint8Policy =
  | { readonly kind: 'clamp' }
  | { readonly kind: 'abs' }
  | { readonly kind: 'scale'; readonly scale?: number; readonly offset?: number };

/** A kernel: Float32 weights, row-major, depth innermost ([y][x][d], like HWC images). */
export interface Kernel {
  readonly name: string;
  /** What it responds to, one line, for `edgecam kernel list`. */
  readonly description: string;
  readonly width: number;
  readonly height: number;
  /** 1 for a 2-D kernel; C for a 3-D kernel matched to a C-channel input. */
  readonly depth: number;
  readonly weights: Float32Array;
}
