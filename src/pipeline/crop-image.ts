import type { CameraImage } from '../frame.js';
import { I420Image } from '../kernels/i420.js';
import type { CropRect } from './region-crops.js';

/**
 * The pixels of one crop as an image of their own (the model resizes it to its input). A frame
 * held as I420 planes is cropped plane by plane when the crop sits on even pixels (planCrops
 * puts it there), so its RGB is never made; otherwise the packed rows are copied.
 * @example model.run(cropImage(frame, { x: 480, y: 200, w: 320, h: 320 }))
 */
export function cropImage(image: CameraImage, c: CropRect): CameraImage {
  const { width: W, height: H, channels: C, i420 } = image;
  if (c.x === 0 && c.y === 0 && c.w === W && c.h === H) return image;
  const planar = i420 !== undefined && C === 3 && W % 2 === 0 && H % 2 === 0;
  if (planar && c.x % 2 === 0 && c.y % 2 === 0 && c.w % 2 === 0 && c.h % 2 === 0)
    return cropPlanes(i420, W, H, c);
  const src = image.data;
  const data = new Uint8Array(c.w * c.h * C);
  for (let y = 0; y < c.h; y++) {
    const from = ((c.y + y) * W + c.x) * C;
    data.set(src.subarray(from, from + c.w * C), y * c.w * C);
  }
  return { width: c.w, height: c.h, channels: C, data };
}

function cropPlanes(i420: Uint8Array, W: number, H: number, c: CropRect): CameraImage {
  const out = new Uint8Array((c.w * c.h * 3) / 2);
  // Y at full size, then U and V at half width and height.
  copyRect(i420, 0, W, c.x, c.y, c.w, c.h, out, 0);
  const hw = W / 2;
  const uAt = W * H;
  const vAt = uAt + hw * (H / 2);
  const cu = c.w * c.h;
  const quarter = (c.w / 2) * (c.h / 2);
  copyRect(i420, uAt, hw, c.x / 2, c.y / 2, c.w / 2, c.h / 2, out, cu);
  copyRect(i420, vAt, hw, c.x / 2, c.y / 2, c.w / 2, c.h / 2, out, cu + quarter);
  // Its RGB is made only if something reads `data`: the model reads the planes.
  return new I420Image(c.w, c.h, out);
}

function copyRect(
  src: Uint8Array,
  base: number,
  stride: number,
  x: number,
  y: number,
  w: number,
  h: number,
  dst: Uint8Array,
  at: number,
): void {
  for (let row = 0; row < h; row++) {
    const from = base + (y + row) * stride + x;
    dst.set(src.subarray(from, from + w), at + row * w);
  }
}
