// Turning 16 accumulated lanes (two i16x8) into 16 bytes, per the plan's Uint8Policy.
// Output modes shared by every pass (src/kernels/fast/layout.ts mirrors them):
//   0 clamp: saturate to 0..255; 1 abs: |v| then saturate;
//   2 affine: floor(v * a + bias) then saturate (bias carries the +0.5 of round-half-up);
//   3 abs-affine: floor(|v| * a + bias) then saturate.
// `unsigned` reads the lanes as u16 (non-negative kernels whose sums pass 32767); only with 2.

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
