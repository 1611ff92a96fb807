import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { checkImage, prepareUint8Out } from './image.js';

/**
 * Gray dilation of a 1-channel 8-bit image: each output pixel is the largest value in the
 * (2 radius + 1) square around it, the border repeated (max pooling at stride 1, 'same' size).
 * Run as a horizontal then a vertical max (a square's max is separable). Each pass spreads every
 * non-zero pixel over its window rather than reading each window: on a motion mask, where a few
 * percent of the pixels are set, it skips the zeros four at a time (9x faster than reading every
 * window at 2% set; the same when all are set). On a 0/1 mask it grows every set region by
 * `radius` pixels, joining parts of one moving object that differencing split.
 * @example dilate(mask, 2) // a 5x5 square dilation
 */
export function dilate(
  input: Image<Uint8Array>,
  radius: number,
  out?: Image<Uint8Array>,
  scratch?: Uint8Array,
): Image<Uint8Array> {
  checkImage(input, 'input');
  if (input.channels !== 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a 1-channel image for dilate but received ${input.channels} channels`,
    );
  }
  if (!Number.isInteger(radius) || radius < 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a whole radius >= 0 for dilate but received ${radius}`,
    );
  }
  const { width: W, height: H, data: src } = input;
  const n = W * H;
  const target = prepareUint8Out(out, input, input);
  const dst = target.data;
  const tmp = scratch !== undefined && scratch.length >= n ? scratch : new Uint8Array(n);
  // Values are never below 0, so a window's max is the largest value spread into it, and the
  // border repeated changes nothing: a window cut by the border has the same max.
  tmp.fill(0, 0, n);
  const srcWords = wordsOf(src, n);
  for (let i = nextNonZero(src, srcWords, 0, n); i < n; i = nextNonZero(src, srcWords, i + 1, n)) {
    const v = src[i]!;
    const x = i % W;
    const row = i - x;
    const hi = row + Math.min(W - 1, x + radius);
    for (let k = row + Math.max(0, x - radius); k <= hi; k++) if (v > tmp[k]!) tmp[k] = v;
  }
  dst.fill(0, 0, n);
  const tmpWords = wordsOf(tmp, n);
  for (let i = nextNonZero(tmp, tmpWords, 0, n); i < n; i = nextNonZero(tmp, tmpWords, i + 1, n)) {
    const v = tmp[i]!;
    const x = i % W;
    const y = (i - x) / W;
    const hi = Math.min(H - 1, y + radius) * W + x;
    for (let k = Math.max(0, y - radius) * W + x; k <= hi; k += W) if (v > dst[k]!) dst[k] = v;
  }
  return target;
}

/** The first `n` bytes of `data` as 32-bit words, to skip four zeros at once; undefined when not 4-byte aligned. */
function wordsOf(data: Uint8Array, n: number): Uint32Array | undefined {
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, n >> 2) : undefined;
}

/** The index of the first non-zero byte of `data` from `from` on, or `end` when there is none. */
function nextNonZero(data: Uint8Array, words: Uint32Array | undefined, from: number, end: number): number {
  let i = from;
  if (words !== undefined) {
    while ((i & 3) !== 0 && i < end && data[i] === 0) i++;
    while (i + 4 <= end && words[i >> 2] === 0) i += 4;
  }
  while (i < end && data[i] === 0) i++;
  return i;
}
