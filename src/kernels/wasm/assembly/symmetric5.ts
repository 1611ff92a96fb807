// Separable 5 x 5 convolution whose column and row factors are symmetric (w0 w1 w2 w1 w0; a
// Gaussian 5x5), with exact i32 sums: mirrored taps are added first (x0 + x4, x1 + x3), and
// i32x4.dot_i16x8_s (pmaddwd) multiplies two interleaved i16 operands by two Q15 weights and
// adds them in one instruction. Each 8 pixels cost 4 of them per pass where the generic Q15 pass
// (separable.ts) needs 3 q15mulr_sat, which V8 emits as three instructions each, plus its
// per-tap loop: 640x480 gray went from 0.157 to 0.094 ms here (measured on this machine).
// Pass 1 (columns) turns bytes into Q6 (v * 64, rounded once) in one i16 scratch row; pass 2
// (along the row) sums Q6 x Q15 into Q21. The plan (src/kernels/fast/quantize.ts) bounds the
// error and the ranges: Q6 values within +-16383 so that x0 + x4 fits i16.
import { storeSums } from './output';

/**
 * Convolves `rows` output rows of `rowBytes` bytes (`channels` interleaved) from `src` (5 rows
 * and 4 pixels of margin, padded by the host). `weights` points at six v128 constants the host
 * writes: i16 pairs (w0, w1) and (w2, 256) of the column factor, where 256 multiplies a constant
 * lane 1 (pass 1's rounding); (w0, w1) and (w2, k) of the row factor, k multiplying a constant
 * lane 64 (16384 adds mode 0's rounding, else 0); then i16 lanes of 1 and of 64. They are loaded
 * where used: V8 folds the loads into the instructions, where splats would be rebuilt each
 * iteration on the shuffle ports the interleaving needs. `tmp` holds `tmpLength` = rowBytes +
 * 4 * channels i16 values, plus 48 of slack.
 */
export function separableSymmetric5(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rowBytes: i32,
  rows: i32,
  channels: i32,
  tmp: usize,
  tmpLength: i32,
  weights: usize,
  mode: i32,
  a: f32,
  bias: f32,
): void {
  const s1 = <usize>srcStride;
  const s2 = s1 << 1;
  const s3 = s1 * 3;
  const s4 = s1 << 2;
  // Byte distances between horizontal neighbours in the i16 scratch row.
  const c1 = <usize>(channels << 1);
  const c2 = c1 << 1;
  const c3 = c1 * 3;
  const c4 = c1 << 2;
  const av = f32x4.splat(a);
  const bv = f32x4.splat(bias);
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>(y * srcStride);
    for (let x = 0; x < tmpLength; x += 16) {
      const cw01 = v128.load(weights);
      const cw2 = v128.load(weights, 16);
      const one = v128.load(weights, 64);
      const p = s + <usize>x;
      const f0l = i16x8.add(v128.load8x8_u(p), v128.load8x8_u(p + s4));
      const f0h = i16x8.add(v128.load8x8_u(p, 8), v128.load8x8_u(p + s4, 8));
      const f1l = i16x8.add(v128.load8x8_u(p + s1), v128.load8x8_u(p + s3));
      const f1h = i16x8.add(v128.load8x8_u(p + s1, 8), v128.load8x8_u(p + s3, 8));
      const ml = v128.load8x8_u(p + s2);
      const mh = v128.load8x8_u(p + s2, 8);
      const t = tmp + <usize>(x << 1);
      v128.store(
        t,
        toQ6(fold4(f0l, f1l, ml, one, cw01, cw2, false), fold4(f0l, f1l, ml, one, cw01, cw2, true)),
      );
      v128.store(
        t,
        toQ6(fold4(f0h, f1h, mh, one, cw01, cw2, false), fold4(f0h, f1h, mh, one, cw01, cw2, true)),
        16,
      );
    }
    const d = dst + <usize>(y * dstStride);
    for (let x = 0; x < rowBytes; x += 16) {
      const rw01 = v128.load(weights, 32);
      const rw2 = v128.load(weights, 48);
      const sixtyFour = v128.load(weights, 80);
      const p = tmp + <usize>(x << 1);
      // Q6 pairs sum within +-32766 (the plan's bound), so the fold cannot wrap.
      const g0l = i16x8.add(v128.load(p), v128.load(p + c4));
      const g0h = i16x8.add(v128.load(p, 16), v128.load(p + c4, 16));
      const g1l = i16x8.add(v128.load(p + c1), v128.load(p + c3));
      const g1h = i16x8.add(v128.load(p + c1, 16), v128.load(p + c3, 16));
      const ml = v128.load(p + c2);
      const mh = v128.load(p + c2, 16);
      const q0 = fold4(g0l, g1l, ml, sixtyFour, rw01, rw2, false);
      const q1 = fold4(g0l, g1l, ml, sixtyFour, rw01, rw2, true);
      const q2 = fold4(g0h, g1h, mh, sixtyFour, rw01, rw2, false);
      const q3 = fold4(g0h, g1h, mh, sixtyFour, rw01, rw2, true);
      if (mode === 0) {
        // Clamp, the common case, inline: the sums already carry the rounding.
        const lo = i16x8.narrow_i32x4_s(i32x4.shr_s(q0, 21), i32x4.shr_s(q1, 21));
        const hi = i16x8.narrow_i32x4_s(i32x4.shr_s(q2, 21), i32x4.shr_s(q3, 21));
        v128.store(d + <usize>x, i8x16.narrow_i16x8_u(lo, hi));
      } else {
        storeSums(d + <usize>x, q0, q1, q2, q3, mode, av, bv);
      }
    }
  }
}

/**
 * w0 f0 + w1 f1 + w2 m + k c for the low (`high` false) or high four lanes, as i32x4: the
 * operands interleaved as (f0, f1) and (m, c) pairs, each pair one dot product.
 */
function fold4(f0: v128, f1: v128, m: v128, c: v128, w01: v128, w2: v128, high: bool): v128 {
  if (high) {
    return i32x4.add(
      i32x4.dot_i16x8_s(i16x8.shuffle(f0, f1, 4, 12, 5, 13, 6, 14, 7, 15), w01),
      i32x4.dot_i16x8_s(i16x8.shuffle(m, c, 4, 12, 5, 13, 6, 14, 7, 15), w2),
    );
  }
  return i32x4.add(
    i32x4.dot_i16x8_s(i16x8.shuffle(f0, f1, 0, 8, 1, 9, 2, 10, 3, 11), w01),
    i32x4.dot_i16x8_s(i16x8.shuffle(m, c, 0, 8, 1, 9, 2, 10, 3, 11), w2),
  );
}

/** Two i32x4 sums in Q15 (rounding already added) as one i16x8 of Q6 values. */
function toQ6(lo: v128, hi: v128): v128 {
  return i16x8.narrow_i32x4_s(i32x4.shr_s(lo, 9), i32x4.shr_s(hi, 9));
}
