import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { describe } from './describe.js';
import { grayLevel } from './gray.js';
import { checkImage, prepareUint8Out } from './image.js';
import { resolveConvOptions } from './options.js';
import { borderIndexMap } from './padding.js';
import type { BorderFill } from './types.js';

/** How sobelMagnitude combines the x and y responses, and whether it thresholds. */
export interface EdgeMapOptions {
  /** L1: |gx| + |gy| (cheaper); L2: sqrt(gx^2 + gy^2). */
  readonly norm: 'L1' | 'L2';
  /** Pixels whose 0..255 magnitude is >= threshold become 255, the rest 0. */
  readonly threshold?: number;
  /** Default `reflect` (OpenCV's Sobel default): a zero border would draw a frame around every image. */
  readonly border?: BorderFill;
}

// The gray image with a 1-pixel border filled in, reused across frames of one size.
let padded = new Float32Array(0);

/**
 * Sobel gradient magnitude as an 8-bit edge map: gx, gy from the 3x3 Sobel pair, combined by
 * `norm`, rounded, clamped to 255, optionally thresholded. RGB input becomes 8-bit gray first
 * (rgbToGray's integer BT.601), so an RGB frame's edge map is its gray image's edge map
 * (Float32 RGB uses the same weights unrounded).
 * @example sobelMagnitude(frame, { norm: 'L1', threshold: 128 })
 */
export function sobelMagnitude(
  input: Image,
  options: EdgeMapOptions,
  out?: Image<Uint8Array>,
): Image<Uint8Array> {
  checkImage(input, 'input');
  const { width: W, height: H, channels: C } = input;
  if (C !== 1 && C !== 3) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a 1-channel (gray) or 3-channel (RGB) image for an edge map but received ${C} channels`,
    );
  }
  const norm = options?.norm;
  if (norm !== 'L1' && norm !== 'L2') {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected norm 'L1' or 'L2' but received ${describe(norm)}`,
    );
  }
  const { threshold } = options;
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold))) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a number (0..255) for the edge threshold but received ${describe(threshold)}`,
    );
  }
  const { border } = resolveConvOptions({ border: options.border ?? 'reflect' });
  const target = prepareUint8Out(out, { width: W, height: H, channels: 1 }, input);
  const PW = W + 2;
  const plane = padGray(input, border);
  const dst = new Uint8ClampedArray(target.data.buffer, target.data.byteOffset, target.data.length);
  const l1 = norm === 'L1';
  const cut = threshold ?? -1;
  let o = 0;
  for (let y = 0; y < H; y++) {
    let p = (y + 1) * PW + 1;
    for (let x = 0; x < W; x++, p++) {
      const a = plane[p - PW - 1]!;
      const b = plane[p - PW]!;
      const c = plane[p - PW + 1]!;
      const d = plane[p - 1]!;
      const f = plane[p + 1]!;
      const g = plane[p + PW - 1]!;
      const h = plane[p + PW]!;
      const i = plane[p + PW + 1]!;
      const gx = c + 2 * f + i - (a + 2 * d + g);
      const gy = g + 2 * h + i - (a + 2 * b + c);
      const magnitude = Math.round(l1 ? Math.abs(gx) + Math.abs(gy) : Math.sqrt(gx * gx + gy * gy));
      const clamped = Math.min(magnitude, 255);
      dst[o++] = threshold === undefined ? clamped : clamped >= cut ? 255 : 0;
    }
  }
  return target;
}

/** The gray image with one pixel of `border` fill on every side, in the shared scratch plane. */
function padGray(input: Image, border: BorderFill): Float32Array {
  const { width: W, height: H, channels: C, data } = input;
  const PW = W + 2;
  const size = PW * (H + 2);
  if (padded.length < size) padded = new Float32Array(size);
  const plane = padded;
  const rowMap = borderIndexMap(H, 1, border);
  const colMap = borderIndexMap(W, 1, border);
  // Float feature maps have no 8-bit gray: the same weights, unrounded.
  const bytes = !(data instanceof Float32Array);
  let o = 0;
  for (let py = 0; py < H + 2; py++) {
    const sy = rowMap[py]!;
    for (let px = 0; px < PW; px++) {
      const sx = colMap[px]!;
      if (sy < 0 || sx < 0) plane[o++] = 0;
      else if (C === 1) plane[o++] = data[sy * W + sx]!;
      else {
        const s = (sy * W + sx) * 3;
        plane[o++] = bytes
          ? grayLevel(data[s]!, data[s + 1]!, data[s + 2]!)
          : (77 * data[s]! + 150 * data[s + 1]! + 29 * data[s + 2]!) / 256;
      }
    }
  }
  return plane;
}

/** PNG options for an edge map. */
export interface EdgePngOptions {
  /** zlib level 0..9 (sharp's default 6; level 1 measured twice as fast, 50% larger). */
  readonly compressionLevel?: number;
}

/**
 * A 1-channel edge map as a 1-channel (gray) PNG through sharp. sharp loads on first use, so the
 * kernel engine stays importable without it.
 * @example await writeFile('edges.png', await encodeEdgeMapPng(sobelMagnitude(gray, { norm: 'L1' })))
 */
export async function encodeEdgeMapPng(
  img: Image<Uint8Array>,
  options: EdgePngOptions = {},
): Promise<Buffer> {
  checkImage(img, 'edge map');
  if (img.channels !== 1 || !(img.data instanceof Uint8Array)) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected a 1-channel Uint8Array edge map but received ${img.channels} channels of ${describe(img.data)}: use sobelMagnitude or toUint8 first`,
    );
  }
  const { compressionLevel = 6 } = options;
  if (!Number.isInteger(compressionLevel) || compressionLevel < 0 || compressionLevel > 9) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected an integer 0..9 for the PNG compression level but received ${describe(compressionLevel)}`,
    );
  }
  const { default: sharp } = await import('sharp');
  // Without toColourspace('b-w') sharp writes 1-channel raw input as 3-channel sRGB.
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel })
    .toBuffer();
}
