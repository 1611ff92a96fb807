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
  const Fw = row.length;
  const Fh = column.length;
  const flip = g.mode === 'convolve';
  const r = new Float64Array(Fw);
  const col = new Float64Array(Fh);
  for (let i = 0; i < Fw; i++) r[i] = row[flip ? Fw - 1 - i : i]!;
  for (let i = 0; i < Fh; i++) col[i] = column[flip ? Fh - 1 - i : i]!;

  const rowLen = g.outWidth * g.inChannels;
  if (scratch.length < g.inHeight * rowLen) scratch = new Float32Array(g.inHeight * rowLen);
  horizontalPass(src, r, g, scratch);
  verticalPass(scratch, col, g, dst);
}

/**
 * Pass 1: every input row into `tmp` (one row of outWidth x channels sums per input row), only
 * the output columns the stride keeps. `r` is the row factor, already flipped for convolve.
 */
function horizontalPass(src: Pixels, r: Float64Array, g: ConvGeometry, tmp: Float32Array): void {
  const { inWidth: W, inHeight: H, inChannels: C, padX, stride: S, outWidth: OW } = g;
  const Fw = r.length;
  const rowLen = OW * C;
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
}

/**
 * Pass 2: padded rows are copies (or zeros) of input rows, so each output row is a weighted sum
 * of whole rows of `tmp`; the rows (and nonzero weights) it needs are gathered once per row.
 * `col` is the column factor, already flipped for convolve.
 */
function verticalPass(tmp: Float32Array, col: Float64Array, g: ConvGeometry, dst: Float32Array): void {
  const { inHeight: H, padY, stride: S, outHeight: OH } = g;
  const Fh = col.length;
  const rowLen = g.outWidth * g.inChannels;
  const rowMap = borderIndexMap(H, padY, g.border);
  const starts = new Int32Array(Fh);
  const weights = new Float64Array(Fh);
  for (let oy = 0; oy < OH; oy++) {
    let taps = 0;
    for (let ky = 0; ky < Fh; ky++) {
      const sy = rowMap[oy * S + ky]!;
      if (sy < 0 || col[ky] === 0) continue;
      starts[taps] = sy * rowLen;
      weights[taps++] = col[ky]!;
    }
    const o = oy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let acc = 0;
      for (let t = 0; t < taps; t++) acc += tmp[starts[t]! + i]! * weights[t]!;
      dst[o + i] = acc;
    }
  }
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
