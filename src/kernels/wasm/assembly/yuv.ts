// Planar YUV 4:2:0 (I420) -> packed RGB, full-range BT.601 (JPEG's JFIF YCbCr), each chroma
// sample covering its 2x2 pixels (as ffmpeg's own unscaled conversion does). Fixed point in i16
// lanes, bit-exact with src/capture/i420.ts's TypeScript loop:
//   d = chroma - 128; t = (d * 128 * C + 2^14) >> 15 (q15mulr: d * C / 256, rounded, in 1/64)
//   R = (64 Y + tRv + 32) >> 6, G = (64 Y - tGu - tGv + 32) >> 6, B = (64 Y + tBu + 32) >> 6,
// clamped to 0..255, with C = 1.402, 0.344136, 0.714136 and 1.772 in Q14. Sixteen pixels of two
// rows a step share one computation of their eight chroma terms.

// The coefficients in Q14, as i16x8 splats at 0 (R from V), 16 (G from U), 32 (G from V), 48
// (B from U). Loaded from memory: V8 materialises constant vectors on every use.
const COEFFICIENTS = memory.data<i16>([
  22970, 22970, 22970, 22970, 22970, 22970, 22970, 22970, 5638, 5638, 5638, 5638, 5638, 5638, 5638, 5638,
  11700, 11700, 11700, 11700, 11700, 11700, 11700, 11700, 29032, 29032, 29032, 29032, 29032, 29032, 29032,
  29032,
]);

/**
 * Writes `width` x `height` packed RGB pixels at `dst` from the planes at `y` (width bytes a
 * row), `u` and `v` (width / 2 bytes a row). `width` must be even and at least 16, `height`
 * even. Reads and writes nothing outside the planes and the image: the last step of a row that
 * is not a multiple of 16 wide starts 16 pixels before its end, redoing a few.
 */
export function i420ToRgb(y: usize, u: usize, v: usize, width: i32, height: i32, dst: usize): void {
  const half = width >> 1;
  for (let j = 0; j < height; j += 2) {
    const y0 = y + <usize>(j * width);
    const y1 = y0 + <usize>width;
    const c = <usize>((j >> 1) * half);
    const d0 = dst + <usize>(j * width * 3);
    const d1 = d0 + <usize>(width * 3);
    for (let i = 0; i < width; i += 16) {
      const x = min(i, width - 16);
      convert16(
        y0 + <usize>x,
        y1 + <usize>x,
        u + c + <usize>(x >> 1),
        v + c + <usize>(x >> 1),
        d0 + <usize>(x * 3),
        d1 + <usize>(x * 3),
      );
    }
  }
}

/** Sixteen pixels of two rows, from their eight U and V samples. */
function convert16(y0: usize, y1: usize, u: usize, v: usize, d0: usize, d1: usize): void {
  const bias = i16x8.splat(128);
  const ud = i16x8.shl(i16x8.sub(i16x8.extend_low_i8x16_u(v128.load64_zero(u)), bias), 7);
  const vd = i16x8.shl(i16x8.sub(i16x8.extend_low_i8x16_u(v128.load64_zero(v)), bias), 7);
  const rv = i16x8.q15mulr_sat_s(vd, v128.load(COEFFICIENTS));
  const gu = i16x8.add(
    i16x8.q15mulr_sat_s(ud, v128.load(COEFFICIENTS, 16)),
    i16x8.q15mulr_sat_s(vd, v128.load(COEFFICIENTS, 32)),
  );
  const bu = i16x8.q15mulr_sat_s(ud, v128.load(COEFFICIENTS, 48));
  // Each chroma term twice, for the two pixels it covers: lanes 0-3 into the low eight pixels, 4-7 into the high.
  const rvLo = i8x16.shuffle(rv, rv, 0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7);
  const rvHi = i8x16.shuffle(rv, rv, 8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15);
  const guLo = i8x16.shuffle(gu, gu, 0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7);
  const guHi = i8x16.shuffle(gu, gu, 8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15);
  const buLo = i8x16.shuffle(bu, bu, 0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7);
  const buHi = i8x16.shuffle(bu, bu, 8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15);
  convertRow(v128.load(y0), rvLo, rvHi, guLo, guHi, buLo, buHi, d0);
  convertRow(v128.load(y1), rvLo, rvHi, guLo, guHi, buLo, buHi, d1);
}

/** Sixteen pixels of one row: their luma `yv` and chroma terms, stored as 48 bytes at `d`. */
function convertRow(
  yv: v128,
  rvLo: v128,
  rvHi: v128,
  guLo: v128,
  guHi: v128,
  buLo: v128,
  buHi: v128,
  d: usize,
): void {
  const round = i16x8.splat(32);
  const yLo = i16x8.add(i16x8.shl(i16x8.extend_low_i8x16_u(yv), 6), round);
  const yHi = i16x8.add(i16x8.shl(i16x8.extend_high_i8x16_u(yv), 6), round);
  const r = i8x16.narrow_i16x8_u(i16x8.shr_s(i16x8.add(yLo, rvLo), 6), i16x8.shr_s(i16x8.add(yHi, rvHi), 6));
  const g = i8x16.narrow_i16x8_u(i16x8.shr_s(i16x8.sub(yLo, guLo), 6), i16x8.shr_s(i16x8.sub(yHi, guHi), 6));
  const b = i8x16.narrow_i16x8_u(i16x8.shr_s(i16x8.add(yLo, buLo), 6), i16x8.shr_s(i16x8.add(yHi, buHi), 6));
  storeRgb(r, g, b, d);
}

/**
 * Interleaves 16 R, G and B bytes into 48 bytes of packed RGB at `d`: R and G into place with a
 * gap for B (lane 0 fills the gap for now), then B into the gaps.
 */
function storeRgb(r: v128, g: v128, b: v128, d: usize): void {
  const t0 = i8x16.shuffle(r, g, 0, 16, 0, 1, 17, 0, 2, 18, 0, 3, 19, 0, 4, 20, 0, 5);
  v128.store(d, i8x16.shuffle(t0, b, 0, 1, 16, 3, 4, 17, 6, 7, 18, 9, 10, 19, 12, 13, 20, 15));
  const t1 = i8x16.shuffle(r, g, 21, 0, 6, 22, 0, 7, 23, 0, 8, 24, 0, 9, 25, 0, 10, 26);
  v128.store(d, i8x16.shuffle(t1, b, 0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15), 16);
  const t2 = i8x16.shuffle(r, g, 0, 11, 27, 0, 12, 28, 0, 13, 29, 0, 14, 30, 0, 15, 31, 0);
  v128.store(d, i8x16.shuffle(t2, b, 26, 1, 2, 27, 4, 5, 28, 7, 8, 29, 10, 11, 30, 13, 14, 31), 32);
}
