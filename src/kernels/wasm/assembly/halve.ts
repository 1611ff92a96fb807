// Exact halving of a packed RGB uint8 frame into three planes: what bilinear sampling at pixel
// centres gives when the output is half the frame's size (640x480 into a 320x320 letterbox).
// Each output sample then sits midway between two source pixels on both axes, so it is the mean
// of a 2x2 block: no tables, no weights. One swizzle per four source pixels (12 bytes) puts each
// channel's two neighbours side by side, a pairwise add sums them, and the two rows are added in
// 16-bit lanes: the exact sum of four, still in pixel order (R, G, B, unused). Interleaving four
// such vectors (eight outputs) turns them into planes; one loop (halveRows) then normalises those
// into float32 or rounds them into uint8. The host is src/inference/wasm-resample.ts.
//
// This takes 49 us for 640x480 into 320x240 against 75 for the layout it replaced (one swizzle
// per channel per 16 bytes, then widening): V8 runs these loops at about five instructions a
// cycle, so the count of instructions is the cost, and this one has a third fewer.

/**
 * Writes `ny` rows of `nx` float32 samples into planes `dstR`, `dstG`, `dstB` (rows `dstStride`
 * bytes apart): value = mean of the 2x2 block * gain + bias, per frame channel. Output row j
 * reads frame rows 2j and 2j + 1 from `src` (the first block's top-left pixel), `rowLength`
 * bytes apart, and up to 4 bytes past the last pixel it averages.
 */
export function halveRgbPlanar(
  src: usize,
  rowLength: i32,
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
  // The sum of four is 4x the mean: fold the quarter into the gain. The splats are loaded from
  // memory in the loop: kept in locals, V8 rebuilds all six on every iteration (50 against 52 us).
  v128.store(COEFFICIENTS, f32x4.splat(gainR * 0.25));
  v128.store(COEFFICIENTS, f32x4.splat(gainG * 0.25), 16);
  v128.store(COEFFICIENTS, f32x4.splat(gainB * 0.25), 32);
  v128.store(COEFFICIENTS, f32x4.splat(biasR), 48);
  v128.store(COEFFICIENTS, f32x4.splat(biasG), 64);
  v128.store(COEFFICIENTS, f32x4.splat(biasB), 80);
  halveRows<f32>(src, rowLength, nx, ny, dstR, dstG, dstB, dstStride);
}

/**
 * As halveRgbPlanar, into uint8 planes holding the rounded mean (half up), with no gain or bias:
 * a quantised model's raw-pixel input. Rows are `dstStride` bytes apart.
 */
export function halveRgbPlanarU8(
  src: usize,
  rowLength: i32,
  nx: i32,
  ny: i32,
  dstR: usize,
  dstG: usize,
  dstB: usize,
  dstStride: i32,
): void {
  halveRows<u8>(src, rowLength, nx, ny, dstR, dstG, dstB, dstStride);
}

/**
 * The loop of both variants, eight outputs a step: T is the planes' element type, f32 (scaled by
 * COEFFICIENTS) or u8 (rounded means). The choice is made when compiling, so each variant's loop
 * holds only its own stores.
 */
function halveRows<T>(
  src: usize,
  rowLength: i32,
  nx: i32,
  ny: i32,
  dstR: usize,
  dstG: usize,
  dstB: usize,
  dstStride: i32,
): void {
  const mask = v128.load(PAIR_MASK);
  const nx8 = nx & ~7;
  for (let j = 0; j < ny; j++) {
    const top = src + <usize>(2 * j * rowLength);
    const bottom = top + <usize>rowLength;
    const out = <usize>(j * dstStride);
    let i = 0;
    for (; i < nx8; i += 8) {
      const a = top + <usize>(i * 6);
      const b = bottom + <usize>(i * 6);
      // [R0 R2 G0 G2 B0 B2 . .] and [R1 R3 G1 G3 B1 B3 . .], then [R0 R1 R2 R3 G0 G1 G2 G3] and [B0 B1 B2 B3 . . . .].
      const s0 = pairSums(a, b, mask);
      const s1 = pairSums(a + 12, b + 12, mask);
      const s2 = pairSums(a + 24, b + 24, mask);
      const s3 = pairSums(a + 36, b + 36, mask);
      const t0 = interleaveLow(s0, s1);
      const t1 = interleaveHigh(s0, s1);
      const t2 = interleaveLow(s2, s3);
      const t3 = interleaveHigh(s2, s3);
      const rg0 = interleaveLow(t0, t1);
      const b0 = interleaveHigh(t0, t1);
      const rg1 = interleaveLow(t2, t3);
      const b1 = interleaveHigh(t2, t3);
      const o = out + <usize>(i * sizeof<T>());
      if (isFloat<T>()) storeFloats(dstR + o, dstG + o, dstB + o, rg0, b0, rg1, b1);
      else storeMeans(dstR + o, dstG + o, dstB + o, rg0, b0, rg1, b1);
    }
    for (; i < nx; i++) {
      const p = <usize>(i * 6);
      const o = out + <usize>(i * sizeof<T>());
      storeSample<T>(dstR + o, sum4(top + p, bottom + p), 0);
      storeSample<T>(dstG + o, sum4(top + p + 1, bottom + p + 1), 16);
      storeSample<T>(dstB + o, sum4(top + p + 2, bottom + p + 2), 32);
    }
  }
}

// Picks four packed RGB pixels' bytes (the first 12 of a vector) so that each channel's two
// neighbours sit side by side: R0 R1 G0 G1 B0 B1, then R2 R3 G2 G3 B2 B3, -1 (zero) between.
// Loaded from memory: V8 materialises a constant mask on every use.
// biome-ignore format: the pairs are easier to check on one line
const PAIR_MASK = memory.data<i8>([0, 3, 1, 4, 2, 5, -1, -1, 6, 9, 7, 10, 8, 11, -1, -1]);

// halveRgbPlanar's gains and biases as splats: R, G, B gain, then R, G, B bias (see there).
const COEFFICIENTS = memory.data(96, 16);

/**
 * Four 2x2 sums per channel from the four pixels at `a` (top row) and `b` (bottom row), in 16-bit
 * lanes: [R G B 0] for pixels 0 and 1, then for pixels 2 and 3.
 */
function pairSums(a: usize, b: usize, mask: v128): v128 {
  const top = i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(v128.load(a), mask));
  const bottom = i16x8.extadd_pairwise_i8x16_u(i8x16.swizzle(v128.load(b), mask));
  return i16x8.add(top, bottom);
}

/** The first four 16-bit lanes of `x` and `y`, alternately (one punpcklwd). */
function interleaveLow(x: v128, y: v128): v128 {
  return i16x8.shuffle(x, y, 0, 8, 1, 9, 2, 10, 3, 11);
}

/** The last four 16-bit lanes of `x` and `y`, alternately (one punpckhwd). */
function interleaveHigh(x: v128, y: v128): v128 {
  return i16x8.shuffle(x, y, 4, 12, 5, 13, 6, 14, 7, 15);
}

/**
 * Eight outputs' sums ([R0-3 G0-3], [B0-3 . . . .], then the same for outputs 4-7) as floats,
 * times the channel's gain plus its bias from COEFFICIENTS, stored at dstR, dstG, dstB (32 bytes
 * each). The sums fit 16 bits, so the signed conversion (one cvtdq2ps in V8) gives what the
 * unsigned one (a longer sequence) would.
 */
function storeFloats(dstR: usize, dstG: usize, dstB: usize, rg0: v128, b0: v128, rg1: v128, b1: v128): void {
  const gR = v128.load(COEFFICIENTS);
  const gG = v128.load(COEFFICIENTS, 16);
  const gB = v128.load(COEFFICIENTS, 32);
  const bR = v128.load(COEFFICIENTS, 48);
  const bG = v128.load(COEFFICIENTS, 64);
  const bB = v128.load(COEFFICIENTS, 80);
  storeScaled(dstR, i32x4.extend_low_i16x8_u(rg0), gR, bR);
  storeScaled(dstG, i32x4.extend_high_i16x8_u(rg0), gG, bG);
  storeScaled(dstB, i32x4.extend_low_i16x8_u(b0), gB, bB);
  storeScaled(dstR + 16, i32x4.extend_low_i16x8_u(rg1), gR, bR);
  storeScaled(dstG + 16, i32x4.extend_high_i16x8_u(rg1), gG, bG);
  storeScaled(dstB + 16, i32x4.extend_low_i16x8_u(b1), gB, bB);
}

/** Four sums as floats, times gain plus bias, stored at dst (16 bytes). */
function storeScaled(dst: usize, sums: v128, gain: v128, bias: v128): void {
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(sums), gain), bias));
}

/** Eight outputs' sums (as storeFloats takes them) as rounded means (half up), 8 bytes a plane. */
function storeMeans(dstR: usize, dstG: usize, dstB: usize, rg0: v128, b0: v128, rg1: v128, b1: v128): void {
  storeRounded(dstR, i64x2.shuffle(rg0, rg1, 0, 2));
  storeRounded(dstG, i64x2.shuffle(rg0, rg1, 1, 3));
  storeRounded(dstB, i64x2.shuffle(b0, b1, 0, 2));
}

/** Eight sums of four as their rounded means (half up), in 8 bytes at dst. */
function storeRounded(dst: usize, sums: v128): void {
  const means = i16x8.shr_u(i16x8.add(sums, i16x8.splat(2)), 2);
  v128.store64_lane(dst, i8x16.narrow_i16x8_u(means, means), 0);
}

/**
 * One output of the row's tail: a float scaled by the gain and bias at COEFFICIENTS + `channel`
 * (0, 16 or 32), or the rounded mean (half up) as a byte.
 */
function storeSample<T>(dst: usize, sum: i32, channel: usize): void {
  if (isFloat<T>()) {
    store<f32>(dst, <f32>sum * load<f32>(COEFFICIENTS + channel) + load<f32>(COEFFICIENTS + channel, 48));
  } else store<u8>(dst, <u8>((sum + 2) >> 2));
}

/** The sum of the byte at p, the one 3 bytes on (the next pixel's), and the same two in the row below. */
function sum4(a: usize, b: usize): i32 {
  return <i32>load<u8>(a) + <i32>load<u8>(a + 3) + <i32>load<u8>(b) + <i32>load<u8>(b + 3);
}
