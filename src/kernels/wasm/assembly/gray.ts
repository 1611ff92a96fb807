// RGB -> 8-bit gray, gray = (77 R + 150 G + 29 B + 128) >> 8 (integer BT.601, as libjpeg
// converts), exact in i32 lanes, so the bytes equal src/kernels/gray.ts's. Four pixels (12 bytes)
// at a time become (R, G) and (B, 0) i16 pairs by a byte swizzle, and one i32x4.dot per pair
// multiplies and adds: no deinterleave of the whole row.

/**
 * Writes `pixels` gray bytes at `dst` from packed RGB at `src`, 16 at a time: reads up to 49
 * bytes past the last pixel and writes up to 15 past the last gray byte (callers leave slack).
 */
export function rgbToGray(src: usize, dst: usize, pixels: i32): void {
  // Byte indices >= 16 make swizzle write 0: the high byte of each u16 lane.
  const rg = v128(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const bz = v128(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const wRG = i32x4.splat((150 << 16) | 77);
  const wB = i32x4.splat(29);
  const half = i32x4.splat(128);
  for (let i = 0; i < pixels; i += 16) {
    const p = src + <usize>(i * 3);
    const q0 = gray4(v128.load(p), rg, bz, wRG, wB, half);
    const q1 = gray4(v128.load(p, 12), rg, bz, wRG, wB, half);
    const q2 = gray4(v128.load(p, 24), rg, bz, wRG, wB, half);
    const q3 = gray4(v128.load(p, 36), rg, bz, wRG, wB, half);
    v128.store(
      dst + <usize>i,
      i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)),
    );
  }
}

/** Gray levels (i32x4) of the four pixels in the first 12 bytes of `v`. */
function gray4(v: v128, rg: v128, bz: v128, wRG: v128, wB: v128, half: v128): v128 {
  const sum = i32x4.add(
    i32x4.dot_i16x8_s(i8x16.swizzle(v, rg), wRG),
    i32x4.dot_i16x8_s(i8x16.swizzle(v, bz), wB),
  );
  return i32x4.shr_u(i32x4.add(sum, half), 8);
}
