import { EdgecamError } from '../errors.js';
import type { Image, Pixels } from '../frame.js';
import { describe } from './describe.js';
import { type ConvGeometry, planConv } from './geometry.js';
import { checkImage, prepareFloatOut } from './image.js';
import { borderIndexMap } from './padding.js';
import type { ConvOptions } from './types.js';

// One scratch buffer for the horizontal pass, grown to the largest frame seen and reused, so a
// steady stream of same-sized frames allocates nothing. Calls are synchronous: no sharing hazard.
let scratch = new Float32Array(0);

/**
 * 2-D convolution with the rank-1 kernel column x row (K[y][x] = column[y] * row[x]) as a horizontal
 * then a vertical 1-D pass; same options, sizes and result (within float rounding) as conv2d with that kernel.
 * @example conv2dSeparable(gray, [1, 2, 1], [1, 0, -1]) // sobel-left, Fh+Fw instead of Fh*Fw taps per pixel
 */
export function conv2dSeparable(
  input: Image,
  column: ArrayLike<number>,
  row: ArrayLike<number>,
  options?: ConvOptions,
  out?: Image<Float32Array>,
): Image<Float32Array> {
  checkImage(input, 'input');
  checkVector(column, 'column');
  checkVector(row, 'row');
  const g = planConv(
    input,
    { name: 'separable', width: row.length, height: column.length, depth: 1 },
    options,
  );
  const target = prepareFloatOut(
    out,
    { width: g.outWidth, height: g.outHeight, channels: g.outChannels },
    input,
  );
  correlateSeparable(input.data, column, row, g, target.data);
  return target;
}

/**
 * The two passes over checked inputs; `g` comes from planConv with a depth-1 kernel of
 * column.length x row.length. Flips both vectors for `convolve`.
 * @example correlateSeparable(img.data, [1, 2, 1], [1, 0, -1], planConv(img, size, {}), out.data)
 */
export function correlateSeparable(
  src: Pixels,
  column: ArrayLike<number>,
  row: ArrayLike<number>,
  g: ConvGeometry,
  dst: Float32Array,
): void {
  const { inWidth: W, inHeight: H, inChannels: C, padX, padY, stride: S, outWidth: OW, outHeight: OH } = g;
  const Fw = row.length;
  const Fh = column.length;
  const r = factor(row, g);
  const col = factor(column, g);

  const rowLen = OW * C;
  const tmp = scratchOf(H * rowLen);

  // Pass 1: every input row, only the output columns the stride keeps.
  const colMap = borderIndexMap(W, padX, g.border);
  const oxLo = Math.min(OW, Math.ceil(padX / S));
  const oxHi = Math.max(oxLo, Math.min(OW, Math.floor((W - Fw + padX) / S) + 1));
  for (let y = 0; y < H; y++) {
    const rowBase = y * W * C;
    let t = y * rowLen;
    for (let ox = 0; ox < OW; ox++) {
      if (ox >= oxLo && ox < oxHi) {
        const b = rowBase + (ox * S - padX) * C;
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let kx = 0; kx < Fw; kx++) acc += src[b + kx * C + c]! * r[kx]!;
          tmp[t++] = acc;
        }
      } else {
        const x0 = ox * S;
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let kx = 0; kx < Fw; kx++) {
            const sx = colMap[x0 + kx]!;
            if (sx >= 0) acc += src[rowBase + sx * C + c]! * r[kx]!;
          }
          tmp[t++] = acc;
        }
      }
    }
  }

  // Pass 2: padded rows are copies (or zeros) of input rows, so each output row is a weighted sum
  // of whole scratch rows; the rows (and nonzero weights) it needs are gathered once per row.
  const rowMap = borderIndexMap(H, padY, g.border);
  const starts = new Int32Array(Fh);
  const weights = new Float64Array(Fh);
  for (let oy = 0; oy < OH; oy++) {
    const taps = gatherRows(rowMap, oy * S, col, rowLen, starts, weights);
    const o = oy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let acc = 0;
      for (let t = 0; t < taps; t++) acc += tmp[starts[t]! + i]! * weights[t]!;
      dst[o + i] = acc;
    }
  }
}

/** The shared scratch, grown to at least `length` floats. */
function scratchOf(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch;
}

/** A factor as the passes read it: float64, reversed when `g` convolves. */
function factor(v: ArrayLike<number>, g: ConvGeometry): Float64Array {
  const flip = g.mode === 'convolve';
  const n = v.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = v[flip ? n - 1 - i : i]!;
  return out;
}

/**
 * Into `starts` and `weights`: the scratch rows (as offsets) an output row sums and their weights,
 * from padded input row `first` down, leaving out zero padding and zero weights; returns how many.
 */
function gatherRows(
  rowMap: Int32Array,
  first: number,
  col: Float64Array,
  rowLen: number,
  starts: Int32Array,
  weights: Float64Array,
): number {
  let taps = 0;
  for (let ky = 0; ky < col.length; ky++) {
    const sy = rowMap[first + ky]!;
    if (sy < 0 || col[ky] === 0) continue;
    starts[taps] = sy * rowLen;
    weights[taps++] = col[ky]!;
  }
  return taps;
}

function checkVector(v: ArrayLike<number>, what: string): void {
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number' || v.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Expected the separable ${what} to be a non-empty array of numbers but received ${describe(v)}`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) {
      throw new EdgecamError(
        'EDGECAM_ERR_KERNEL',
        `Expected a finite number at index ${i} of the separable ${what} but received ${describe(v[i])}`,
      );
    }
  }
}
