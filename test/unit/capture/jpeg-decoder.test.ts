import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type Decoded, JpegDecoder } from '../../../src/capture/jpeg-decoder.js';
import type { CorruptKind } from '../../../src/corrupt-kind.js';

/** A small JPEG whose header (SOF0) claims `width` x `height`: what a broken or hostile camera could send. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .jpeg({ quality: 80 })
    .toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  // SOF0: marker, length (2), precision (1), height (2), width (2)
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}

function decoderFor(width: number, height: number) {
  const seen: { decoded: Decoded[]; corrupt: CorruptKind[] } = { decoded: [], corrupt: [] };
  const decoder = new JpegDecoder(width, height, {
    decoded: (image) => seen.decoded.push(image),
    corrupt: (_reason, kind) => seen.corrupt.push(kind),
    skipped: () => {},
    failed: (err) => {
      throw err;
    },
  });
  return { decoder, seen };
}

describe('JpegDecoder', () => {
  it('refuses, from its header, a frame of far more pixels than the camera was asked for', async () => {
    const { decoder, seen } = decoderFor(640, 480);
    decoder.submit(await jpegClaiming(8000, 8000), 0);
    await decoder.idle();
    expect(seen.corrupt).toEqual(['too_large']);
    expect(seen.decoded).toEqual([]);
  });

  it('scales a frame of another size to the configured one', async () => {
    const { decoder, seen } = decoderFor(8, 6);
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    decoder.submit(jpeg, 5);
    await decoder.idle();
    expect(seen.corrupt).toEqual([]);
    expect(seen.decoded.map((d) => [d.width, d.height, d.at])).toEqual([[8, 6, 5]]);
  });
});
