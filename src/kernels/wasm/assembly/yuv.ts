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

// Gains (divided by 64: the values are in 1/64 of a level) and biases of halveI420Planar, as
// f32x4 splats: R, G, B gains at 0, 16, 32; biases at 48, 64, 80.
const SCALES = memory.data(96, 16);

/**
 * The 2x2 means of an I420 frame as planar RGB, in one pass: the exact halving of
 * halveRgbPlanar (halve.ts) without packed RGB in between. Each output pixel converts the mean
 * of its block's four Y samples with the block's one U and V sample (what i420ToRgb gives its
 * four pixels), in 1/64 of a level, clamped to 0..255, then value * gain + bias into float32
 * planes. Averaging before converting equals converting before averaging except where the
 * block's pixels clamp differently (a saturated edge), and skips three quarters of the work.
 * Output row j reads Y rows 2j and 2j + 1 from `y` (the first block's top-left sample, rows
 * `yStride` bytes apart) and chroma row j from `u` and `v` (`cStride` bytes apart); `nx` must be
 * at least 8 (a row's last step starts 8 outputs before its end, redoing a few).
 */
export function halveI420Planar(
  y: usize,
  u: usize,
  v: usize,
  yStride: i32,
  cStride: i32,
  nx: i32,
  ny: i32,
  dstR: usize,
  dstG: usize,
  dstB: usize,
  dstStride: i32,
  gainR: f32,
  gainG: f32,
  gainB: f32,
  biasR: f32,
  biasG: f32,
  biasB: f32,
): void {
  v128.store(SCALES, f32x4.splat(gainR / 64));
  v128.store(SCALES, f32x4.splat(gainG / 64), 16);
  v128.store(SCALES, f32x4.splat(gainB / 64), 32);
  v128.store(SCALES, f32x4.splat(biasR), 48);
  v128.store(SCALES, f32x4.splat(biasG), 64);
  v128.store(SCALES, f32x4.splat(biasB), 80);
  halveI420Rows<f32>(y, u, v, yStride, cStride, nx, ny, dstR, dstG, dstB, dstStride);
}

/** As halveI420Planar, into uint8 planes holding the rounded value (half up), with no gain or bias. */
export function halveI420PlanarU8(
  y: usize,
  u: usize,
  v: usize,
  yStride: i32,
  cStride: i32,
  nx: i32,
  ny: i32,
  dstR: usize,
  dstG: usize,
  dstB: usize,
  dstStride: i32,
): void {
  halveI420Rows<u8>(y, u, v, yStride, cStride, nx, ny, dstR, dstG, dstB, dstStride);
}

/** The loop of both variants, eight outputs a step; T is the planes' element type (f32 or u8). */
function halveI420Rows<T>(
  y: usize,
  u: usize,
  v: usize,
  yStride: i32,
  cStride: i32,
  nx: i32,
  ny: i32,
  dstR: usize,
  dstG: usize,
  dstB: usize,
  dstStride: i32,
): void {
  const bias = i16x8.splat(128);
  const top = i16x8.splat(255 * 64);
  const zero = i16x8.splat(0);
  for (let j = 0; j < ny; j++) {
    const y0 = y + <usize>(2 * j * yStride);
    const y1 = y0 + <usize>yStride;
    const c = <usize>(j * cStride);
    const out = <usize>(j * dstStride);
    for (let i = 0; i < nx; i += 8) {
      const x = min(i, nx - 8);
      // Four Y samples a block, summed: 16 times their mean is the mean in 1/64 of a level.
      const sum = i16x8.add(
        i16x8.extadd_pairwise_i8x16_u(v128.load(y0 + <usize>(2 * x))),
        i16x8.extadd_pairwise_i8x16_u(v128.load(y1 + <usize>(2 * x))),
      );
      const y6 = i16x8.shl(sum, 4);
      const ud = i16x8.shl(i16x8.sub(i16x8.extend_low_i8x16_u(v128.load64_zero(u + c + <usize>x)), bias), 7);
      const vd = i16x8.shl(i16x8.sub(i16x8.extend_low_i8x16_u(v128.load64_zero(v + c + <usize>x)), bias), 7);
      const r = i16x8.add(y6, i16x8.q15mulr_sat_s(vd, v128.load(COEFFICIENTS)));
      const g = i16x8.sub(
        y6,
        i16x8.add(
          i16x8.q15mulr_sat_s(ud, v128.load(COEFFICIENTS, 16)),
          i16x8.q15mulr_sat_s(vd, v128.load(COEFFICIENTS, 32)),
        ),
      );
      const b = i16x8.add(y6, i16x8.q15mulr_sat_s(ud, v128.load(COEFFICIENTS, 48)));
      const o = out + <usize>(x * sizeof<T>());
      storeLevels<T>(dstR + o, i16x8.min_s(i16x8.max_s(r, zero), top), 0);
      storeLevels<T>(dstG + o, i16x8.min_s(i16x8.max_s(g, zero), top), 16);
      storeLevels<T>(dstB + o, i16x8.min_s(i16x8.max_s(b, zero), top), 32);
    }
  }
}

/**
 * Eight levels in 1/64 (0..255 * 64) at `dst`: as floats times the gain plus the bias of
 * SCALES + `channel` (32 bytes), or rounded (half up) to bytes (8 bytes).
 */
function storeLevels<T>(dst: usize, q6: v128, channel: usize): void {
  if (isFloat<T>()) {
    const gain = v128.load(SCALES + channel);
    const bias = v128.load(SCALES + channel, 48);
    const lo = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(q6));
    const hi = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(q6));
    v128.store(dst, f32x4.add(f32x4.mul(lo, gain), bias));
    v128.store(dst, f32x4.add(f32x4.mul(hi, gain), bias), 16);
  } else {
    const levels = i16x8.shr_u(i16x8.add(q6, i16x8.splat(32)), 6);
    v128.store64_lane(dst, i8x16.narrow_i16x8_u(levels, levels), 0);
  }
}
