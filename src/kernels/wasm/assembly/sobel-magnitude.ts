// Fused Sobel gradient magnitude: gx and gy from one read of three padded rows, in i16
// (|g| <= 1020), so no intermediate images. L1 = |gx| + |gy| saturated to 255; L2 =
// sqrt(gx^2 + gy^2) in f32, exact after rounding because gx^2 + gy^2 < 2^24 and no
// square root of an integer lies within f32 error of a .5 tie (checked by a test).

/** 8 lanes of round(sqrt(gx^2 + gy^2)) as i16, for the low (`high` false) or high half. */
function l2Half(gx: v128, gy: v128): v128 {
  const half = f32x4.splat(0.5);
  const x0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(gx));
  const y0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(gy));
  const x1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(gx));
  const y1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(gy));
  const m0 = f32x4.sqrt(f32x4.add(f32x4.mul(x0, x0), f32x4.mul(y0, y0)));
  const m1 = f32x4.sqrt(f32x4.add(f32x4.mul(x1, x1), f32x4.mul(y1, y1)));
  return i16x8.narrow_i32x4_s(
    i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(m0, half))),
    i32x4.trunc_sat_f32x4_s(f32x4.floor(f32x4.add(m1, half))),
  );
}

/**
 * Writes `rows` rows of `rowBytes` magnitude bytes from a padded source (`rowBytes + 2c`
 * bytes per row used). `l2` picks the norm; `threshold` >= 0 turns the map into 0/255 (> 255: all 0).
 */
export function sobelMagnitude(
  src: usize,
  srcStride: i32,
  dst: usize,
  dstStride: i32,
  rowBytes: i32,
  rows: i32,
  channels: i32,
  l2: bool,
  threshold: i32,
): void {
  const stride = <usize>srcStride;
  const stride2 = stride << 1;
  const c = <usize>channels;
  const c2 = c << 1;
  const cut = i8x16.splat(<i8>(threshold < 0 || threshold > 255 ? 0 : threshold));
  for (let y = 0; y < rows; y++) {
    const s = src + <usize>(y * srcStride);
    const d = dst + <usize>(y * dstStride);
    for (let x = 0; x < rowBytes; x += 16) {
      const p = s + <usize>x;
      // Rows above (a), at (b) and below (c) the output row; columns x-1, x, x+1 (padded: +0, +c, +2c).
      const a0l = v128.load8x8_u(p);
      const a1l = v128.load8x8_u(p + c);
      const a2l = v128.load8x8_u(p + c2);
      const b0l = v128.load8x8_u(p + stride);
      const b2l = v128.load8x8_u(p + stride + c2);
      const c0l = v128.load8x8_u(p + stride2);
      const c1l = v128.load8x8_u(p + stride2 + c);
      const c2l = v128.load8x8_u(p + stride2 + c2);
      const a0h = v128.load8x8_u(p, 8);
      const a1h = v128.load8x8_u(p + c, 8);
      const a2h = v128.load8x8_u(p + c2, 8);
      const b0h = v128.load8x8_u(p + stride, 8);
      const b2h = v128.load8x8_u(p + stride + c2, 8);
      const c0h = v128.load8x8_u(p + stride2, 8);
      const c1h = v128.load8x8_u(p + stride2 + c, 8);
      const c2h = v128.load8x8_u(p + stride2 + c2, 8);
      // gx = (a2 - a0) + 2 (b2 - b0) + (c2 - c0); gy = (c0 + 2 c1 + c2) - (a0 + 2 a1 + a2).
      const dbl = i16x8.sub(b2l, b0l);
      const dbh = i16x8.sub(b2h, b0h);
      const gx0 = i16x8.add(i16x8.add(i16x8.sub(a2l, a0l), i16x8.sub(c2l, c0l)), i16x8.add(dbl, dbl));
      const gx1 = i16x8.add(i16x8.add(i16x8.sub(a2h, a0h), i16x8.sub(c2h, c0h)), i16x8.add(dbh, dbh));
      const gy0 = i16x8.sub(
        i16x8.add(i16x8.add(c0l, c2l), i16x8.add(c1l, c1l)),
        i16x8.add(i16x8.add(a0l, a2l), i16x8.add(a1l, a1l)),
      );
      const gy1 = i16x8.sub(
        i16x8.add(i16x8.add(c0h, c2h), i16x8.add(c1h, c1h)),
        i16x8.add(i16x8.add(a0h, a2h), i16x8.add(a1h, a1h)),
      );
      let out: v128;
      if (l2) {
        out = i8x16.narrow_i16x8_u(l2Half(gx0, gy0), l2Half(gx1, gy1));
      } else {
        out = i8x16.narrow_i16x8_u(
          i16x8.add(i16x8.abs(gx0), i16x8.abs(gy0)),
          i16x8.add(i16x8.abs(gx1), i16x8.abs(gy1)),
        );
      }
      if (threshold > 255) out = i8x16.splat(0);
      else if (threshold >= 0) out = i8x16.ge_u(out, cut);
      v128.store(d + <usize>x, out);
    }
  }
}
