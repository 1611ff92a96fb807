// Separable (rank-1) convolution: a vertical pass from uint8 into one i16 scratch row, then a
// horizontal pass into bytes, so a k x k kernel costs 2k taps instead of k^2.
// Two weight formats, chosen by the plan (src/kernels/fast/quantize.ts):
// - exact: small integer weights, i16 sums (wrapping, which the plan's bound makes exact; read
//   as u16 when `unsigned`), then the output mode applies the common scale (box: 1/9).
// - Q15: values travel in Q6 (v * 64) and weights in Q15, multiplied by q15mulr
//   (round(a * b / 2^15)). Taps come in pairs that share a weight (a symmetric kernel folded:
//   x[a] + x[b] costs one multiply; a lone tap pairs with itself at half weight), so a Gaussian
//   of 11 taps costs 6 multiplies. Each pair adds a rounding of 1/128 and its weight's error;
//   the plan adds these up and only sends kernels whose total stays under 0.9 (bytes within +-1).
import { storeBytes } from './output';

/**
 * Exact separable pass: `colTaps` holds `nCol` (byte offset, integer weight) i32 pairs down the
 * columns of `src`; `rowTaps` holds `nRow` pairs along a row, offsets in elements of the i16
 * scratch row `tmp` (`tmpLength` = rowBytes + row span, plus 48 elements of slack).
 */
export function separableInt16(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rowBytes: i32,
  rows: i32,
  tmp: usize,
  tmpLength: i32,
  colTaps: usize,
  nCol: i32,
  rowTaps: usize,
  nRow: i32,
  mode: i32,
  a: f32,
  bias: f32,
  unsigned: bool,
): void {
  const av = f32x4.splat(a);
  const bv = f32x4.splat(bias);
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>(y * srcStride);
    for (let x = 0; x < tmpLength; x += 16) {
      const p = s + <usize>x;
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let j = 0; j < nCol; j++) {
        const t = colTaps + <usize>(j << 3);
        const q = p + <usize>load<i32>(t);
        const w = i16x8.splat(<i16>load<i32>(t, 4));
        lo = i16x8.add(lo, i16x8.mul(v128.load8x8_u(q), w));
        hi = i16x8.add(hi, i16x8.mul(v128.load8x8_u(q, 8), w));
      }
      v128.store(tmp + <usize>(x << 1), lo);
      v128.store(tmp + <usize>(x << 1), hi, 16);
    }
    const d = dst + <usize>(y * dstStride);
    for (let x = 0; x < rowBytes; x += 16) {
      const p = tmp + <usize>(x << 1);
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let i = 0; i < nRow; i++) {
        const t = rowTaps + <usize>(i << 3);
        const q = p + <usize>(load<i32>(t) << 1);
        const w = i16x8.splat(<i16>load<i32>(t, 4));
        lo = i16x8.add(lo, i16x8.mul(v128.load(q), w));
        hi = i16x8.add(hi, i16x8.mul(v128.load(q, 16), w));
      }
      storeBytes(d + <usize>x, lo, hi, mode, av, bv, unsigned);
    }
  }
}

/**
 * Fixed-point separable pass: `colTaps` holds `nCol` (byte offset a, byte offset b, Q15 weight)
 * i32 triples down the columns of `src`; `rowTaps` `nRow` triples along the i16 scratch row,
 * offsets in elements. Modes 0 and 1 round here; modes 2 and 3 take `a` already divided by 64.
 */
export function separableQ15(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rowBytes: i32,
  rows: i32,
  tmp: usize,
  tmpLength: i32,
  colTaps: usize,
  nCol: i32,
  rowTaps: usize,
  nRow: i32,
  mode: i32,
  a: f32,
  bias: f32,
): void {
  const av = f32x4.splat(a);
  const bv = f32x4.splat(bias);
  const half = i16x8.splat(32);
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>(y * srcStride);
    for (let x = 0; x < tmpLength; x += 16) {
      const p = s + <usize>x;
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let j = 0; j < nCol; j++) {
        const t = colTaps + <usize>(j * 12);
        const pa = p + <usize>load<i32>(t);
        const pb = p + <usize>load<i32>(t, 4);
        const w = i16x8.splat(<i16>load<i32>(t, 8));
        // (x[a] + x[b]) * 64 <= 510 * 64 fits i16.
        const vlo = i16x8.add(v128.load8x8_u(pa), v128.load8x8_u(pb));
        const vhi = i16x8.add(v128.load8x8_u(pa, 8), v128.load8x8_u(pb, 8));
        lo = i16x8.add(lo, i16x8.q15mulr_sat_s(i16x8.shl(vlo, 6), w));
        hi = i16x8.add(hi, i16x8.q15mulr_sat_s(i16x8.shl(vhi, 6), w));
      }
      v128.store(tmp + <usize>(x << 1), lo);
      v128.store(tmp + <usize>(x << 1), hi, 16);
    }
    const d = dst + <usize>(y * dstStride);
    for (let x = 0; x < rowBytes; x += 16) {
      const p = tmp + <usize>(x << 1);
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let i = 0; i < nRow; i++) {
        const t = rowTaps + <usize>(i * 12);
        const qa = p + <usize>(load<i32>(t) << 1);
        const qb = p + <usize>(load<i32>(t, 4) << 1);
        const w = i16x8.splat(<i16>load<i32>(t, 8));
        lo = i16x8.add(lo, i16x8.q15mulr_sat_s(i16x8.add(v128.load(qa), v128.load(qb)), w));
        hi = i16x8.add(hi, i16x8.q15mulr_sat_s(i16x8.add(v128.load(qa, 16), v128.load(qb, 16)), w));
      }
      // Round half up out of Q6 (abs first: the policy takes |v| before rounding).
      if (mode < 2) {
        if (mode === 1) {
          lo = i16x8.abs(lo);
          hi = i16x8.abs(hi);
        }
        lo = i16x8.shr_s(i16x8.add_sat_s(lo, half), 6);
        hi = i16x8.shr_s(i16x8.add_sat_s(hi, half), 6);
        storeBytes(d + <usize>x, lo, hi, 0, av, bv, false);
      } else {
        storeBytes(d + <usize>x, lo, hi, mode, av, bv, false);
      }
    }
  }
}
