// `valid` 2-D convolution of uint8 rows with small integer weights, 16 bytes per step in
// i16 lanes. The plan only sends kernels with 255 * sum|w| <= 32767, so no lane overflows
// and the sums are exact; +1 and -1 taps use add/sub instead of a multiply.
import { storeBytes } from './output';

/**
 * Convolves `rows` output rows of `rowBytes` bytes. `taps` holds i32 byte offsets (from the
 * output position into `src`): first `nPlus` taps of weight +1, then `nMinus` of weight -1,
 * then `nOther` (offset, weight) pairs. Writes up to 15 bytes past each row: callers leave slack.
 */
export function convInt16(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rowBytes: i32,
  rows: i32,
  taps: usize,
  nPlus: i32,
  nMinus: i32,
  nOther: i32,
  mode: i32,
  a: f32,
  bias: f32,
): void {
  const av = f32x4.splat(a);
  const bv = f32x4.splat(bias);
  const minusTaps = taps + <usize>(nPlus << 2);
  const otherTaps = minusTaps + <usize>(nMinus << 2);
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>(y * srcStride);
    const d = dst + <usize>(y * dstStride);
    for (let x = 0; x < rowBytes; x += 16) {
      const p = s + <usize>x;
      let lo = i16x8.splat(0);
      let hi = i16x8.splat(0);
      for (let i = 0; i < nPlus; i++) {
        const q = p + <usize>load<i32>(taps + <usize>(i << 2));
        lo = i16x8.add(lo, v128.load8x8_u(q));
        hi = i16x8.add(hi, v128.load8x8_u(q, 8));
      }
      for (let i = 0; i < nMinus; i++) {
        const q = p + <usize>load<i32>(minusTaps + <usize>(i << 2));
        lo = i16x8.sub(lo, v128.load8x8_u(q));
        hi = i16x8.sub(hi, v128.load8x8_u(q, 8));
      }
      for (let i = 0; i < nOther; i++) {
        const t = otherTaps + <usize>(i << 3);
        const q = p + <usize>load<i32>(t);
        const w = i16x8.splat(<i16>load<i32>(t, 4));
        lo = i16x8.add(lo, i16x8.mul(v128.load8x8_u(q), w));
        hi = i16x8.add(hi, i16x8.mul(v128.load8x8_u(q, 8), w));
      }
      storeBytes(d + <usize>x, lo, hi, mode, av, bv, false);
    }
  }
}
