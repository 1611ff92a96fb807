// Bilinear resampling of a packed RGB uint8 frame into three float32 planes, normalised per
// channel: what a model's NCHW input wants, in one call per frame. Separable: each output row
// first blends its two source rows into a float row (16 bytes at a time), then each group of
// four output pixels gathers its left and right neighbours from that row, transposes them into
// R, G and B lanes by shuffles and blends them. The host (src/inference/wasm-resample.ts) passes
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
      const fx = v128.load(xFrac + i4);
      const lo = xLo + i4;
      const hi = xHi + i4;
      const l0 = v128.load(row + <usize>load<i32>(lo));
      const l1 = v128.load(row + <usize>load<i32>(lo, 4));
      const l2 = v128.load(row + <usize>load<i32>(lo, 8));
      const l3 = v128.load(row + <usize>load<i32>(lo, 12));
      const h0 = v128.load(row + <usize>load<i32>(hi));
      const h1 = v128.load(row + <usize>load<i32>(hi, 4));
      const h2 = v128.load(row + <usize>load<i32>(hi, 8));
      const h3 = v128.load(row + <usize>load<i32>(hi, 12));
      // (R0 R1 G0 G1), (R2 R3 G2 G3), (B0 B1 . .), (B2 B3 . .) -> R, G, B lanes of the four pixels
      const la = v128.shuffle<i32>(l0, l1, 0, 4, 1, 5);
      const lb = v128.shuffle<i32>(l2, l3, 0, 4, 1, 5);
      const lc = v128.shuffle<i32>(l0, l1, 2, 6, 2, 6);
      const ld = v128.shuffle<i32>(l2, l3, 2, 6, 2, 6);
      const ha = v128.shuffle<i32>(h0, h1, 0, 4, 1, 5);
      const hb = v128.shuffle<i32>(h2, h3, 0, 4, 1, 5);
      const hc = v128.shuffle<i32>(h0, h1, 2, 6, 2, 6);
      const hd = v128.shuffle<i32>(h2, h3, 2, 6, 2, 6);
      const o = out + i4;
      storeLerp(
        dstR + o,
        v128.shuffle<i32>(la, lb, 0, 1, 4, 5),
        v128.shuffle<i32>(ha, hb, 0, 1, 4, 5),
        fx,
        gR,
        bR,
      );
      storeLerp(
        dstG + o,
        v128.shuffle<i32>(la, lb, 2, 3, 6, 7),
        v128.shuffle<i32>(ha, hb, 2, 3, 6, 7),
        fx,
        gG,
        bG,
      );
      storeLerp(
        dstB + o,
        v128.shuffle<i32>(lc, ld, 0, 1, 4, 5),
        v128.shuffle<i32>(hc, hd, 0, 1, 4, 5),
        fx,
        gB,
        bB,
      );
    }
    // The last one to three pixels one at a time: four would write past the row's content.
    for (; i < nx; i++) {
      const i4 = <usize>(i << 2);
      const fx = load<f32>(xFrac + i4);
      const l = row + <usize>load<i32>(xLo + i4);
      const h = row + <usize>load<i32>(xHi + i4);
      const o = out + i4;
      store<f32>(dstR + o, lerp(load<f32>(l), load<f32>(h), fx) * gainR + biasR);
      store<f32>(dstG + o, lerp(load<f32>(l, 4), load<f32>(h, 4), fx) * gainG + biasG);
      store<f32>(dstB + o, lerp(load<f32>(l, 8), load<f32>(h, 8), fx) * gainB + biasB);
    }
  }
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

/** a + (b - a) * f on i32 lanes converted to float. */
function lerp4(a: v128, b: v128, f: v128): v128 {
  const fa = f32x4.convert_i32x4_u(a);
  return f32x4.add(fa, f32x4.mul(f32x4.sub(f32x4.convert_i32x4_u(b), fa), f));
}

function storeLerp(dst: usize, lo: v128, hi: v128, fx: v128, gain: v128, bias: v128): void {
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.add(lo, f32x4.mul(f32x4.sub(hi, lo), fx)), gain), bias));
}

function lerp(a: f32, b: f32, f: f32): f32 {
  return a + (b - a) * f;
}
