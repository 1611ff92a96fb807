import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpegSplitter } from '../../../src/capture/mjpeg.js';

let jpegs: Buffer[];

beforeAll(async () => {
  // Three real JPEGs of noise (so the image data, not the headers, is most of each), of different lengths.
  jpegs = await Promise.all(
    [20, 40, 60].map((sigma) =>
      sharp({
        create: {
          width: 48,
          height: 32,
          channels: 3,
          background: 'black',
          noise: { type: 'gaussian', mean: 128, sigma },
        },
      })
        .jpeg()
        .toBuffer(),
    ),
  );
});

function split(chunks: Uint8Array[], maxBytes?: number) {
  const out: Buffer[] = [];
  const corrupt: string[] = [];
  const splitter = new JpegSplitter({ jpeg: (j) => out.push(j), corrupt: (r) => corrupt.push(r) }, maxBytes);
  for (const c of chunks) splitter.push(c);
  return { out, corrupt };
}

/** A JPEG with an APP1 (EXIF-like) segment holding a whole thumbnail JPEG, SOI to EOI. */
function withThumbnail(jpeg: Buffer, thumb: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0'), thumb]);
  const length = Buffer.from([(payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, jpeg.subarray(2)]);
}

describe('JpegSplitter', () => {
  it('finds each JPEG in joined input', () => {
    const { out, corrupt } = split([Buffer.concat(jpegs)]);
    expect(out).toEqual(jpegs);
    expect(corrupt).toEqual([]);
  });

  it('finds the same JPEGs whatever the chunk boundaries, down to one byte per chunk', () => {
    const stream = Buffer.concat(jpegs);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      expect(split(chunks).out).toEqual(jpegs);
    }
  });

  it('skips garbage between JPEGs (multipart headers, noise with FF bytes)', () => {
    const garbage = Buffer.from([0x00, 0xff, 0x00, 0xff, 0xd9, 0xff, 0x12, 0x0d, 0x0a]);
    const header = Buffer.from('--frame\r\nContent-Type: image/jpeg\r\n\r\n');
    const { out, corrupt } = split([garbage, header, jpegs[0]!, garbage, header, jpegs[1]!, garbage]);
    expect(out).toEqual([jpegs[0], jpegs[1]]);
    expect(corrupt).toEqual([]);
  });

  it('reports a JPEG cut short by the next one and still delivers the next', () => {
    const cut = jpegs[0]!.subarray(0, jpegs[0]!.length - 40);
    const { out, corrupt } = split([cut, jpegs[1]!, jpegs[2]!]);
    expect(out).toEqual([jpegs[1], jpegs[2]]);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]).toMatch(/truncated/);
  });

  it('reports a JPEG cut inside its headers and resynchronises', () => {
    const cut = jpegs[0]!.subarray(0, 30);
    const { out, corrupt } = split([cut, jpegs[1]!]);
    expect(out).toEqual([jpegs[1]]);
    expect(corrupt).toHaveLength(1);
  });

  it('does not end a frame at the end marker of a thumbnail inside it', () => {
    const framed = withThumbnail(jpegs[2]!, jpegs[0]!);
    const { out, corrupt } = split([framed, jpegs[1]!]);
    expect(out).toEqual([framed, jpegs[1]]);
    expect(corrupt).toEqual([]);
  });

  it('gives up on a frame larger than the limit and finds the next', () => {
    const { out, corrupt } = split([jpegs[1]!, jpegs[0]!], jpegs[1]!.length - 10);
    expect(corrupt[0]).toMatch(/larger than/);
    expect(out).toEqual([jpegs[0]]);
  });

  it('hands out copies: later input does not change an emitted JPEG', () => {
    const { out } = split([jpegs[0]!, Buffer.alloc(100_000, 0x55), jpegs[1]!]);
    expect(out[0]).toEqual(jpegs[0]);
  });
});
