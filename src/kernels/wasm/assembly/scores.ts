// Which anchors of a detection head have any class score at or above a threshold: the first
// step of decoding a YOLOv8-style output ([1, 4 + C, N], one row of N scores per class), where
// most anchors have none and only the few marked ones look for their best class afterwards.
// Sixteen anchors at a time: each class row adds four compares, or-ed into the anchors' masks.
// The host is src/inference/decode/mark-above.ts.

/**
 * Writes marks[k] = 1 for each of `n` columns k of a `rows` x `n` float32 matrix at `src` (rows
 * `rowStride` bytes apart) where some row's value is at or above `threshold` (NaN never is), and
 * 0 for the others. Reads and writes nothing past the matrix's columns.
 */
export function markColumnsAtOrAbove(
  src: usize,
  rows: i32,
  n: i32,
  rowStride: i32,
  threshold: f32,
  marks: usize,
): void {
  const t = f32x4.splat(threshold);
  const one = i8x16.splat(1);
  const n16 = n & ~15;
  let k = 0;
  for (; k < n16; k += 16) {
    const at = src + <usize>(k << 2);
    let a = f32x4.ge(v128.load(at), t);
    let b = f32x4.ge(v128.load(at, 16), t);
    let c = f32x4.ge(v128.load(at, 32), t);
    let d = f32x4.ge(v128.load(at, 48), t);
    for (let r = 1; r < rows; r++) {
      const p = at + <usize>(r * rowStride);
      a = v128.or(a, f32x4.ge(v128.load(p), t));
      b = v128.or(b, f32x4.ge(v128.load(p, 16), t));
      c = v128.or(c, f32x4.ge(v128.load(p, 32), t));
      d = v128.or(d, f32x4.ge(v128.load(p, 48), t));
    }
    // Lanes are 0 or -1: narrowing keeps them so, and the and turns -1 into 1.
    const marked = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
    v128.store(marks + <usize>k, v128.and(marked, one));
  }
  for (; k < n; k++) {
    let any: u8 = 0;
    for (let r = 0; r < rows; r++) {
      if (load<f32>(src + <usize>(r * rowStride + (k << 2))) >= threshold) any = 1;
    }
    store<u8>(marks + <usize>k, any);
  }
}
