// Exact halving of a packed RGB uint8 frame into three planes: what bilinear sampling at pixel
// centres gives when the output is half the frame's size (640x480 into a 320x320 letterbox).
// Each output sample then sits midway between two source pixels on both axes, so it is the mean
// of a 2x2 block: no tables, no weights. Sixteen source pixels (48 bytes) of a row are split
// into R, G and B by swizzles, adjacent pixels summed pairwise, and the two rows added in 16-bit
// lanes: the exact sum of four, which the two variants below normalise into float32 or round
// into uint8. The host is src/inference/wasm-resample.ts.

/**
 * Writes `ny` rows of `nx` float32 samples into planes `dstR`, `dstG`, `dstB` (rows `dstStride`
 * bytes apart): value = mean of the 2x2 block * gain + bias, per frame channel. Output row j
 * reads frame rows 2j and 2j + 1 from `src` (the first block's top-left pixel), `rowLength`
 * bytes apart; it reads no byte past the 2 * nx pixels it averages.
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
  // The sum of four is 4x the mean: fold the quarter into the gain.
  const gR = f32x4.splat(gainR * 0.25);
  const gG = f32x4.splat(gainG * 0.25);
  const gB = f32x4.splat(gainB * 0.25);
  const bR = f32x4.splat(biasR);
  const bG = f32x4.splat(biasG);
  const bB = f32x4.splat(biasB);
  const nx8 = nx & ~7;
  for (let j = 0; j < ny; j++) {
    const top = src + <usize>(2 * j * rowLength);
    const bottom = top + <usize>rowLength;
    const out = <usize>(j * dstStride);
    let i = 0;
    for (; i < nx8; i += 8) {
      const a = top + <usize>(i * 6);
      const b = bottom + <usize>(i * 6);
      const o = out + <usize>(i << 2);
      storeFloats(dstR + o, blockSums(a, b, RED), gR, bR);
      storeFloats(dstG + o, blockSums(a, b, GREEN), gG, bG);
      storeFloats(dstB + o, blockSums(a, b, BLUE), gB, bB);
    }
    for (; i < nx; i++) {
      const p = <usize>(i * 6);
      const o = out + <usize>(i << 2);
      store<f32>(dstR + o, <f32>sum4(top + p, bottom + p) * gainR * 0.25 + biasR);
      store<f32>(dstG + o, <f32>sum4(top + p + 1, bottom + p + 1) * gainG * 0.25 + biasG);
      store<f32>(dstB + o, <f32>sum4(top + p + 2, bottom + p + 2) * gainB * 0.25 + biasB);
    }
  }
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
  const nx16 = nx & ~15;
  for (let j = 0; j < ny; j++) {
    const top = src + <usize>(2 * j * rowLength);
    const bottom = top + <usize>rowLength;
    const out = <usize>(j * dstStride);
    let i = 0;
    for (; i < nx16; i += 16) {
      // Sixteen outputs: two groups of eight, 48 bytes apart in each row.
      const a = top + <usize>(i * 6);
      const b = bottom + <usize>(i * 6);
      const o = out + <usize>i;
      v128.store(dstR + o, roundedMeans(blockSums(a, b, RED), blockSums(a + 48, b + 48, RED)));
      v128.store(dstG + o, roundedMeans(blockSums(a, b, GREEN), blockSums(a + 48, b + 48, GREEN)));
      v128.store(dstB + o, roundedMeans(blockSums(a, b, BLUE), blockSums(a + 48, b + 48, BLUE)));
    }
    for (; i < nx; i++) {
      const p = <usize>(i * 6);
      const o = out + <usize>i;
      store<u8>(dstR + o, <u8>((sum4(top + p, bottom + p) + 2) >> 2));
      store<u8>(dstG + o, <u8>((sum4(top + p + 1, bottom + p + 1) + 2) >> 2));
      store<u8>(dstB + o, <u8>((sum4(top + p + 2, bottom + p + 2) + 2) >> 2));
    }
  }
}

// Swizzle masks that pick one channel's bytes of 16 packed RGB pixels (48 bytes in three
// vectors) into pixel order: per channel, one mask per vector, -1 (zero) in the lanes another
// vector fills. Loaded from memory, they cost V8 one pshufb (and a saturating add) each, where
// constant two-vector shuffles cost several instructions to materialise their masks (55 against
// 20 us per 640x240 pass).
// biome-ignore format: one mask (16 lanes) a line, three lines a channel
const CHANNEL_MASKS = memory.data<i8>([
  0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13,
  1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14,
  2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15,
]);

const RED = CHANNEL_MASKS;
const GREEN = CHANNEL_MASKS + 48;
const BLUE = CHANNEL_MASKS + 96;

/** One channel's 16 bytes from 16 packed RGB pixels (v0, v1, v2), by that channel's three masks. */
function channel(v0: v128, v1: v128, v2: v128, m0: v128, m1: v128, m2: v128): v128 {
  return v128.or(v128.or(i8x16.swizzle(v0, m0), i8x16.swizzle(v1, m1)), i8x16.swizzle(v2, m2));
}

/**
 * Eight 2x2 sums (16-bit) of one channel: its bytes of 16 pixels from the top row at `a` and the
 * bottom row at `b` (48 bytes each), picked by the channel's three masks at `masks`, adjacent
 * pixels summed pairwise.
 */
function blockSums(a: usize, b: usize, masks: usize): v128 {
  const m0 = v128.load(masks);
  const m1 = v128.load(masks, 16);
  const m2 = v128.load(masks, 32);
  const top = channel(v128.load(a), v128.load(a, 16), v128.load(a, 32), m0, m1, m2);
  const bottom = channel(v128.load(b), v128.load(b, 16), v128.load(b, 32), m0, m1, m2);
  return i16x8.add(i16x8.extadd_pairwise_i8x16_u(top), i16x8.extadd_pairwise_i8x16_u(bottom));
}

/**
 * Eight sums as floats, times gain plus bias, stored at dst (32 bytes). The sums fit 16 bits, so
 * the signed conversion (one cvtdq2ps in V8) gives what the unsigned one (a longer sequence) would.
 */
function storeFloats(dst: usize, sums: v128, gain: v128, bias: v128): void {
  const lo = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(sums));
  const hi = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(sums));
  v128.store(dst, f32x4.add(f32x4.mul(lo, gain), bias));
  v128.store(dst, f32x4.add(f32x4.mul(hi, gain), bias), 16);
}

/** Sixteen sums of four (two vectors of eight) as their rounded means (half up), in 16 bytes. */
function roundedMeans(first: v128, second: v128): v128 {
  const two = i16x8.splat(2);
  return i8x16.narrow_i16x8_u(i16x8.shr_u(i16x8.add(first, two), 2), i16x8.shr_u(i16x8.add(second, two), 2));
}

/** The sum of the byte at p, the one 3 bytes on (the next pixel's), and the same two in the row below. */
function sum4(a: usize, b: usize): i32 {
  return <i32>load<u8>(a) + <i32>load<u8>(a + 3) + <i32>load<u8>(b) + <i32>load<u8>(b + 3);
}
