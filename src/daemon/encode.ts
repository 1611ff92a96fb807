import sharp from 'sharp';
import type { Image } from '../frame.js';

/**
 * Encodes an 8-bit image (1 or 3 channels) as PNG or JPEG with sharp (libvips on the libuv pool,
 * off the event loop). One channel stays one channel (sharp would make sRGB of it otherwise).
 * @example await encodeImage(edgeMap, 'png', 1)
 */
export function encodeImage(image: Image<Uint8Array>, format: 'png' | 'jpeg', pngLevel = 6): Promise<Buffer> {
  const raw = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels === 1 ? 1 : 3 },
  });
  const colour = image.channels === 1 ? raw.toColourspace('b-w') : raw;
  return format === 'png'
    ? colour.png({ compressionLevel: pngLevel }).toBuffer()
    : colour.jpeg({ quality: 80 }).toBuffer();
}
