import { existsSync } from 'node:fs';
import type { Image } from '../src/frame.js';

/** Debian's opencv-doc sample photo (seed 001's fruits), used when installed. */
export const FRUITS_JPG = '/usr/share/doc/opencv-doc/examples/data/fruits.jpg';

/**
 * A deterministic photo-like frame: smooth gradients, a few hard-edged shapes and mild noise,
 * so filters see both flat areas and edges (a pure-noise frame flatters nothing and hides clamping).
 * @example const gray = syntheticPhoto(640, 480, 1)
 */
export function syntheticPhoto(width: number, height: number, channels: number, seed = 1): Image<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  let state = seed >>> 0 || 1;
  const noise = () => {
    // xorshift32: fast, deterministic, good enough for texture.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) % 17) - 8;
  };
  const cx = width * 0.35;
  const cy = height * 0.45;
  const r2 = (Math.min(width, height) * 0.22) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < r2;
      const inBox = x > width * 0.6 && x < width * 0.85 && y > height * 0.2 && y < height * 0.7;
      const stripe = Math.floor(x / 24) % 2 === 0 && y > height * 0.8;
      for (let c = 0; c < channels; c++) {
        let v = 40 + (150 * x) / width + (50 * y) / height + 20 * Math.sin((x + 2 * c * 37) / 23 + y / 31);
        if (inDisc) v = 200 - 60 * c;
        if (inBox) v = 60 + 50 * c;
        if (stripe) v = 230;
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v + noise())));
      }
    }
  }
  return { width, height, channels, data };
}

/**
 * The bench frame: fruits.jpg resized to width x height when opencv-doc is installed (gray as
 * BT.601 luma), else syntheticPhoto. Returns where it came from for the report.
 * @example const { image, origin } = await benchPhoto(640, 480, 1)
 */
export async function benchPhoto(
  width: number,
  height: number,
  channels: 1 | 3,
): Promise<{ image: Image<Uint8Array>; origin: string }> {
  if (!existsSync(FRUITS_JPG)) return { image: syntheticPhoto(width, height, channels), origin: 'synthetic' };
  const { default: sharp } = await import('sharp');
  let pipeline = sharp(FRUITS_JPG).resize(width, height, { fit: 'fill' }).removeAlpha();
  if (channels === 1) pipeline = pipeline.grayscale();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels)
    throw new Error(`fruits.jpg decoded to ${info.channels} channels, expected ${channels}`);
  return { image: { width, height, channels, data: new Uint8Array(data) }, origin: 'fruits.jpg' };
}
