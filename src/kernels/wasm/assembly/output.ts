// Turning 16 accumulated lanes (two i16x8) into 16 bytes, per the plan's Uint8Policy.
// Output modes shared by every pass (src/kernels/fast/layout.ts mirrors them):
//   0 clamp: saturate to 0..255; 1 abs: |v| then saturate;
//   2 affine: floor(v * a + bias) then saturate (bias carries the +0.5 of round-half-up);
//   3 abs-affine: floor(|v| * a + bias) then saturate.
// `unsigned` reads the lanes as u16 (non-negative kernels whose sums pass 32767); only with 2.
// storeSums does the same for 16 i32 sums in Q21 (v * 2^21) from the exact i32 passes.

/** One i32x4 quarter of an accumulator as floor(v * a + bias), saturated to i32. */
function affine4(v: v128, a: v128, bias: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(v), a), bias)));
}

/** 8 lanes through affine4, narrowed back to i16 with saturation. */
function affine8(v: v128, a: v128, bias: v128, unsigned: bool): v128 {
  const low = unsigned ? i32x4.extend_low_i16x8_u(v) : i32x4.extend_low_i16x8_s(v);
  const high = unsigned ? i32x4.extend_high_i16x8_u(v) : i32x4.extend_high_i16x8_s(v);
  return i16x8.narrow_i32x4_s(affine4(low, a, bias), affine4(high, a, bias));
}

/** Stores 16 output bytes at `d` from the accumulators `lo` (bytes 0..7) and `hi` (8..15). */
export function storeBytes(
  d: usize,
  lo: v128,
  hi: v128,
  mode: i32,
  a: v128,
  bias: v128,
  unsigned: bool,
): void {
  if (mode === 1 || mode === 3) {
    lo = i16x8.abs(lo);
    hi = i16x8.abs(hi);
  }
  if (mode >= 2) {
    lo = affine8(lo, a, bias, unsigned);
    hi = affine8(hi, a, bias, unsigned);
  }
  v128.store(d, i8x16.narrow_i16x8_u(lo, hi));
}

/**
 * Stores 16 output bytes at `d` from four i32x4 sums `q0..q3` (bytes 0..3, 4..7, 8..11, 12..15)
 * that hold v * 2^21. Mode 0 expects the +2^20 of round-half-up already in the sums; mode 1 adds
 * it after |v|; modes 2 and 3 take `a` already divided by 2^21.
 */
export function storeSums(
  d: usize,
  q0: v128,
  q1: v128,
  q2: v128,
  q3: v128,
  mode: i32,
  a: v128,
  bias: v128,
): void {
  if (mode === 1 || mode === 3) {
    q0 = i32x4.abs(q0);
    q1 = i32x4.abs(q1);
    q2 = i32x4.abs(q2);
    q3 = i32x4.abs(q3);
  }
  if (mode >= 2) {
    q0 = affine4(q0, a, bias);
    q1 = affine4(q1, a, bias);
    q2 = affine4(q2, a, bias);
    q3 = affine4(q3, a, bias);
  } else {
    const half = i32x4.splat(mode === 1 ? 1 << 20 : 0);
    q0 = i32x4.shr_s(i32x4.add(q0, half), 21);
    q1 = i32x4.shr_s(i32x4.add(q1, half), 21);
    q2 = i32x4.shr_s(i32x4.add(q2, half), 21);
    q3 = i32x4.shr_s(i32x4.add(q3, half), 21);
  }
  v128.store(d, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
}
