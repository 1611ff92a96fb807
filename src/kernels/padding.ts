import { EdgecamError } from '../errors.js';
import { describe } from './describe.js';
import type { BorderFill, Padding } from './types.js';

/**
 * Padding per side for a kernel of size F on one axis: 'valid' 0, 'same' (F-1)/2 (odd F only),
 * 'full' F-1, a number as given.
 * @example resolvePadding('same', 5) // 2
 */
export function resolvePadding(padding: Padding, F: number): number {
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding) || padding < 0) {
      throw new EdgecamError(
        'EDGECAM_ERR_OUTPUT_SIZE',
        `Expected padding to be a whole number >= 0 but received ${padding}`,
      );
    }
    return padding;
  }
  switch (padding) {
    case 'valid':
      return 0;
    case 'full':
      return F - 1;
    case 'same':
      if (F % 2 === 0) {
        throw new EdgecamError(
          'EDGECAM_ERR_OUTPUT_SIZE',
          `'same' padding needs an odd kernel size but received ${F}: use an odd size (${F - 1} or ${F + 1}) or padding 'valid'`,
        );
      }
      return (F - 1) / 2;
    default:
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `Expected padding 'valid', 'same', 'full' or a whole number >= 0 but received ${describe(padding)}`,
      );
  }
}

/**
 * For each coordinate of one padded axis (length + 2*pad entries), the source index it reads,
 * or -1 where a zero border reads nothing. `reflect` mirrors repeatedly when pad >= length
 * (numpy's 'reflect' does the same), and a length-1 axis reflects onto itself.
 * @example borderIndexMap(3, 2, 'reflect') // Int32Array [2, 1, 0, 1, 2, 1, 0]
 */
export function borderIndexMap(length: number, pad: number, border: BorderFill): Int32Array {
  const map = new Int32Array(length + 2 * pad);
  for (let i = 0; i < map.length; i++) map[i] = borderIndex(i - pad, length, border);
  return map;
}

/**
 * The source index that padded coordinate i (which may be < 0 or >= length) reads, or -1 for zero.
 * @example borderIndex(-1, 4, 'edge') // 0
 */
export function borderIndex(i: number, length: number, border: BorderFill): number {
  if (i >= 0 && i < length) return i;
  if (border === 'zero') return -1;
  if (border === 'edge') return i < 0 ? 0 : length - 1;
  if (length === 1) return 0;
  // dcb|abcd|cba repeats with period 2(n-1).
  const period = 2 * (length - 1);
  const m = ((i % period) + period) % period;
  return m < length ? m : period - m;
}
