// Bilinear resampling of a packed RGB uint8 frame into three float32 planes, normalised per
// channel: what a model's NCHW input wants, in one call per frame. Separable: each output row
// first blends its two source rows into a float row (16 bytes at a time), then each group of
// four output pixels blends each pixel's left and right neighbours from that row and transposes
// the four into R, G and B lanes by shuffles. The host (src/inference/wasm-resample.ts) passes
// the per-column and per-row tables; the arithmetic is the TypeScript path's, in float32.

/**
 * Writes `ny` rows of `nx` pixels into three planes (`dstR`, `dstG`, `dstB`, rows `dstStride`
 * bytes apart): plane value = bilinear sample * gain + bias, per frame channel.
 * Tables (i32/f32 arrays at the given addresses): xLo/xHi byte offsets of a column's pixels in
 * the float row (pixel * 12), xFrac; yLo/yHi byte offsets of a row's source rows in `src`, yFrac.
 * `row` is scratch for `rowLength` floats (frame width * 3) and 64 bytes more; reads up to 15
 * bytes past each source row.
 */
export function resizeRgbPlanar(
  src: usize,
  rowLength: i32,
  xLo: usize,
  xHi: usize,
  xFrac: usize,
  nx: i32,
  yLo: usize,
  yHi: usize,
  yFrac: usize,
  ny: i32,
  row: usize,
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
  const gR = f32x4.splat(gainR);
  const gG = f32x4.splat(gainG);
  const gB = f32x4.splat(gainB);
  const bR = f32x4.splat(biasR);
  const bG = f32x4.splat(biasG);
  const bB = f32x4.splat(biasB);
  const nx4 = nx & ~3;
  for (let j = 0; j < ny; j++) {
    const j4 = <usize>(j << 2);
    blendRows(
      src + <usize>load<i32>(yLo + j4),
      src + <usize>load<i32>(yHi + j4),
      load<f32>(yFrac + j4),
      row,
      rowLength,
    );
    const out = <usize>(j * dstStride);
    let i = 0;
    for (; i < nx4; i += 4) {
      const i4 = <usize>(i << 2);
      // Four blended pixels (R G B .), then transposed into R, G and B lanes by shuffles.
      const p0 = blendPixel(row, xLo + i4, xHi + i4, xFrac + i4);
      const p1 = blendPixel(row, xLo + i4 + 4, xHi + i4 + 4, xFrac + i4 + 4);
      const p2 = blendPixel(row, xLo + i4 + 8, xHi + i4 + 8, xFrac + i4 + 8);
      const p3 = blendPixel(row, xLo + i4 + 12, xHi + i4 + 12, xFrac + i4 + 12);
      const rg01 = v128.shuffle<i32>(p0, p1, 0, 4, 1, 5); // R0 R1 G0 G1
      const rg23 = v128.shuffle<i32>(p2, p3, 0, 4, 1, 5);
      const b01 = v128.shuffle<i32>(p0, p1, 2, 6, 2, 6); // B0 B1 . .
      const b23 = v128.shuffle<i32>(p2, p3, 2, 6, 2, 6);
      const o = out + i4;
      storeNormalised(dstR + o, v128.shuffle<i32>(rg01, rg23, 0, 1, 4, 5), gR, bR);
      storeNormalised(dstG + o, v128.shuffle<i32>(rg01, rg23, 2, 3, 6, 7), gG, bG);
      storeNormalised(dstB + o, v128.shuffle<i32>(b01, b23, 0, 1, 4, 5), gB, bB);
    }
    // The last one to three pixels one at a time: four would write past the row's content.
    for (; i < nx; i++) {
      const i4 = <usize>(i << 2);
      const p = blendPixel(row, xLo + i4, xHi + i4, xFrac + i4);
      const o = out + i4;
      store<f32>(dstR + o, f32x4.extract_lane(p, 0) * gainR + biasR);
      store<f32>(dstG + o, f32x4.extract_lane(p, 1) * gainG + biasG);
      store<f32>(dstB + o, f32x4.extract_lane(p, 2) * gainB + biasB);
    }
  }
}

/**
 * One output pixel from the blended float row: its left and right neighbours (R G B and the next
 * pixel's R, 16 bytes each, at the byte offsets stored at `lo` and `hi`) mixed by the weight at `frac`.
 */
function blendPixel(row: usize, lo: usize, hi: usize, frac: usize): v128 {
  const l = v128.load(row + <usize>load<i32>(lo));
  const h = v128.load(row + <usize>load<i32>(hi));
  return f32x4.add(l, f32x4.mul(f32x4.sub(h, l), v128.load32_splat(frac)));
}

/** row[k] = a[k] + (b[k] - a[k]) * fy for k < length (bytes widened to float), 16 at a time. */
function blendRows(a: usize, b: usize, fy: f32, row: usize, length: i32): void {
  const f = f32x4.splat(fy);
  for (let k = 0; k < length; k += 16) {
    const va = v128.load(a + <usize>k);
    const vb = v128.load(b + <usize>k);
    const al = i16x8.extend_low_i8x16_u(va);
    const ah = i16x8.extend_high_i8x16_u(va);
    const bl = i16x8.extend_low_i8x16_u(vb);
    const bh = i16x8.extend_high_i8x16_u(vb);
    const r = row + <usize>(k << 2);
    v128.store(r, lerp4(i32x4.extend_low_i16x8_u(al), i32x4.extend_low_i16x8_u(bl), f));
    v128.store(r, lerp4(i32x4.extend_high_i16x8_u(al), i32x4.extend_high_i16x8_u(bl), f), 16);
    v128.store(r, lerp4(i32x4.extend_low_i16x8_u(ah), i32x4.extend_low_i16x8_u(bh), f), 32);
    v128.store(r, lerp4(i32x4.extend_high_i16x8_u(ah), i32x4.extend_high_i16x8_u(bh), f), 48);
  }
}

/** a + (b - a) * f on i32 lanes (bytes, so the signed conversion: one cvtdq2ps in V8) converted to float. */
function lerp4(a: v128, b: v128, f: v128): v128 {
  const fa = f32x4.convert_i32x4_s(a);
  return f32x4.add(fa, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_s(b), fa), f));
}

function storeNormalised(dst: usize, v: v128, gain: v128, bias: v128): void {
  v128.store(dst, f32x4.add(f32x4.mul(v, gain), bias));
}
