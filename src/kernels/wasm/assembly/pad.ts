// Copies a frame into a padded scratch image so that every later pass is a `valid`
// convolution with no edge cases. Border codes match plan.ts: 0 zero, 1 edge, 2 reflect.

/** Index into 0..n-1 for a position p that may lie outside it (BORDER_REFLECT_101 or replicate). */
function borderIndex(p: i32, n: i32, border: i32): i32 {
  if (border === 1) return p < 0 ? 0 : p >= n ? n - 1 : p;
  if (n === 1) return 0;
  // Reflect about the end pixels without repeating them (dcb|abcd|cba), folding as often as needed.
  const period = 2 * (n - 1);
  let q = p % period;
  if (q < 0) q += period;
  return q < n ? q : period - q;
}

/**
 * Writes `src` (width x height pixels of `channels` bytes, rows packed) into `dst`
 * with left/top/right/bottom padding filled per `border`.
 */
export function padImage(
  src: usize,
  width: i32,
  height: i32,
  channels: i32,
  dst: usize,
  left: i32,
  top: i32,
  right: i32,
  bottom: i32,
  border: i32,
): void {
  const rowBytes = width * channels;
  const dstStride = (width + left + right) * channels;
  const rows = height + top + bottom;
  for (let py = 0; py < rows; py++) {
    const d = dst + <usize>(py * dstStride);
    const y = py - top;
    if (border === 0 && (y < 0 || y >= height)) {
      memory.fill(d, 0, dstStride);
      continue;
    }
    const s = src + <usize>(borderIndex(y, height, border) * rowBytes);
    if (border === 0) {
      memory.fill(d, 0, left * channels);
      memory.fill(d + <usize>((left + width) * channels), 0, right * channels);
    } else {
      for (let px = 0; px < left; px++) {
        const sx = borderIndex(px - left, width, border) * channels;
        for (let c = 0; c < channels; c++)
          store<u8>(d + <usize>(px * channels + c), load<u8>(s + <usize>(sx + c)));
      }
      for (let px = left + width; px < left + width + right; px++) {
        const sx = borderIndex(px - left, width, border) * channels;
        for (let c = 0; c < channels; c++)
          store<u8>(d + <usize>(px * channels + c), load<u8>(s + <usize>(sx + c)));
      }
    }
    memory.copy(d + <usize>(left * channels), s, rowBytes);
  }
}
