import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';

/**
 * Decodes any image sharp reads into 8-bit HWC pixels: a gray file stays 1 channel,
 * colour becomes RGB, alpha is dropped. `gray: true` converts colour to 1 channel.
 * @example const img = await readImageFile('photo.jpg', { gray: true });
 */
export async function readImageFile(
  path: string,
  options: { gray?: boolean } = {},
): Promise<Image<Uint8Array>> {
  try {
    let pipeline = sharp(path).rotate().removeAlpha();
    // sharp turns gray into RGB unless told: keep a gray file gray.
    const meta = await pipeline.metadata();
    const grayFile = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1;
    pipeline = options.gray || grayFile ? pipeline.toColourspace('b-w') : pipeline;
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== channels) {
      throw new Error(`unexpected channel count ${info.channels}`);
    }
    return {
      width: info.width,
      height: info.height,
      channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (err) {
    const reason = firstLine(err);
    throw new EdgecamError(
      'EDGECAM_ERR_IMAGE_READ',
      `Cannot read image "${path}": ${reason}. Give a JPEG, PNG, WebP, TIFF, GIF or AVIF file that exists`,
      { cause: err },
    );
  }
}

/**
 * Writes 8-bit pixels in the format the file name's extension names (png, jpg, webp, tiff).
 * @example await writeImageFile('edges.png', edgeMap);
 */
export async function writeImageFile(path: string, image: Image<Uint8Array>): Promise<void> {
  const { width, height, channels } = image;
  if (channels !== 1 && channels !== 3) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Cannot write a ${channels}-channel result as "${path}": image files hold 1 or 3 channels; write a .f32 file instead`,
    );
  }
  let pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width, height, channels },
  });
  // Without this sharp turns one gray channel into three.
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  await writing(path, () => pipeline.toFile(path));
}

/**
 * Writes raw little-endian Float32 HWC samples to `path` and `{width, height, channels}`
 * to `path + '.json'`, so results compare exactly with numpy or OpenCV.
 * @example await writeFloat32File('out.f32', featureMap);
 */
export async function writeFloat32File(path: string, image: Image<Float32Array>): Promise<void> {
  const bytes = Buffer.alloc(image.data.length * 4);
  for (let i = 0; i < image.data.length; i++) bytes.writeFloatLE(image.data[i]!, i * 4);
  const { width, height, channels } = image;
  const sidecar = `${JSON.stringify({ width, height, channels, dtype: 'float32le', layout: 'HWC' })}\n`;
  await writing(path, async () => {
    await writeFile(path, bytes);
    await writeFile(`${path}.json`, sidecar);
  });
}

async function writing(path: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const reason = firstLine(err);
    throw new EdgecamError(
      'EDGECAM_ERR_IMAGE_WRITE',
      `Cannot write "${path}": ${reason}. Check that the folder exists and is writable, and that the extension is .png, .jpg, .webp, .tiff or .f32`,
      { cause: err },
    );
  }
}

/** True when `path` names a raw Float32 output (`.f32`). */
export function isFloat32Path(path: string): boolean {
  return extname(path).toLowerCase() === '.f32';
}

/** libvips reports one failure over several lines; the first says what happened. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}
