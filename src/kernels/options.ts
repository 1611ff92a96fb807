import { EdgecamError } from '../errors.js';
import { describe } from './describe.js';
import type { BorderFill, ConvMode, ConvOptions, Padding } from './types.js';

/** ConvOptions with every default filled in and every value checked. */
export interface ResolvedConvOptions {
  readonly mode: ConvMode;
  readonly padding: Padding;
  readonly border: BorderFill;
  readonly stride: number;
}

const MODES: readonly ConvMode[] = ['convolve', 'correlate'];
const BORDERS: readonly BorderFill[] = ['zero', 'edge', 'reflect'];
const PADDINGS = ['valid', 'same', 'full'];

/**
 * Fills in the defaults (convolve, same, zero, stride 1) and rejects values a config or a
 * JavaScript caller could get wrong; the caller's object is never written to.
 * @example resolveConvOptions({ mode: 'correlate' }).padding // 'same'
 */
export function resolveConvOptions(options: ConvOptions = {}): ResolvedConvOptions {
  const { mode = 'convolve', padding = 'same', border = 'zero', stride = 1 } = options;
  if (!MODES.includes(mode)) {
    throw argumentError(`Expected mode 'convolve' or 'correlate' but received ${describe(mode)}`);
  }
  if (!BORDERS.includes(border)) {
    throw argumentError(`Expected border 'zero', 'edge' or 'reflect' but received ${describe(border)}`);
  }
  if (typeof padding === 'number') {
    if (!Number.isInteger(padding) || padding < 0) {
      throw new EdgecamError(
        'EDGECAM_ERR_OUTPUT_SIZE',
        `Expected padding to be a whole number >= 0 or 'valid', 'same', 'full' but received ${padding}`,
      );
    }
  } else if (!PADDINGS.includes(padding)) {
    throw argumentError(
      `Expected padding 'valid', 'same', 'full' or a whole number >= 0 but received ${describe(padding)}`,
    );
  }
  if (typeof stride !== 'number' || !Number.isInteger(stride) || stride < 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_OUTPUT_SIZE',
      `Expected stride to be a whole number >= 1 but received ${describe(stride)}`,
    );
  }
  return { mode, padding, border, stride };
}

function argumentError(message: string): EdgecamError {
  return new EdgecamError('EDGECAM_ERR_ARGUMENT', message);
}
