import sharp from 'sharp';
import { EdgecamError, type ErrorCode, firstLine } from '../errors.js';
import type { Image } from '../frame.js';

/**
 * Decodes an image file into 8-bit RGB pixels (EXIF orientation applied, alpha dropped), as a
 * camera frame would arrive: for calibration and evaluation folders. A file sharp cannot read
 * throws an EdgecamError with `code` naming the file.
 * @example const frame = await readImage('/tmp/signs/test/images/000000.jpg')
 */
export async function readImage(
  path: string,
  code: ErrorCode = 'EDGECAM_ERR_IMAGE_READ',
): Promise<Image<Uint8Array>> {
  try {
    const { data, info } = await sharp(path)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 1)
      throw new Error(`${info.channels} channels after decoding`);
    return {
      width: info.width,
      height: info.height,
      channels: info.channels,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (err) {
    throw new EdgecamError(
      code,
      `Cannot read image "${path}": ${firstLine(err)}. Remove the file or replace it with a readable JPEG or PNG`,
      { cause: err },
    );
  }
}
