import { describe, expect, it } from 'vitest';
import { dilate } from '../../../src/kernels/dilate.js';
import { grayLevel } from '../../../src/kernels/gray.js';
import { createGrayDownscale, downscaledSize } from '../../../src/kernels/gray-downscale.js';
import { seededRandom } from '../../../src/random.js';

describe('createGrayDownscale', () => {
  it('keeps the aspect ratio and never grows', () => {
    expect(downscaledSize({ width: 1280, height: 720 }, 160)).toEqual({
      width: 160,
      height: 90,
      channels: 1,
    });
    expect(downscaledSize({ width: 100, height: 50 }, 160)).toEqual({ width: 100, height: 50, channels: 1 });
  });

  it('keeps the shape of the frame it was planned from, not the frame (its pixels stay collectable)', () => {
    const frame = { width: 8, height: 4, channels: 3, data: new Uint8Array(8 * 4 * 3) };
    const plan = createGrayDownscale(frame, 2);
    expect(plan.input).toEqual({ width: 8, height: 4, channels: 3 });
    expect(plan.input).not.toHaveProperty('data');
  });

  it('averages gray samples of each block: a frame of flat blocks gives each block its gray level', () => {
    // 8x4 RGB: the left half one colour, the right half another; to 2x1.
    const data = new Uint8Array(8 * 4 * 3);
    for (let p = 0; p < 32; p++) data.set(p % 8 < 4 ? [200, 10, 10] : [10, 10, 200], p * 3);
    const plan = createGrayDownscale({ width: 8, height: 4, channels: 3 }, 2);
    const out = { width: 2, height: 1, channels: 1, data: new Uint8Array(2) };
    plan.run({ width: 8, height: 4, channels: 3, data }, out);
    expect([...out.data]).toEqual([grayLevel(200, 10, 10), grayLevel(10, 10, 200)]);
  });

  it('reads an I420 frame from its Y plane (its RGB is never read)', () => {
    const random = seededRandom(3);
    const i420 = Uint8Array.from({ length: 16 * 8 * 1.5 }, () => Math.floor(random() * 256));
    const gray = { width: 16, height: 8, channels: 1 as const, data: i420.slice(0, 128) };
    const fromY = createGrayDownscale({ width: 16, height: 8, channels: 3 }, 4);
    const fromGray = createGrayDownscale({ width: 16, height: 8, channels: 1 }, 4);
    const a = { width: 4, height: 2, channels: 1, data: new Uint8Array(8) };
    const b = { width: 4, height: 2, channels: 1, data: new Uint8Array(8) };
    const frame = {
      width: 16,
      height: 8,
      channels: 3,
      i420,
      get data(): Uint8Array {
        throw new Error('RGB read');
      },
    };
    fromY.run(frame, a);
    fromGray.run(gray, b);
    expect([...a.data]).toEqual([...b.data]);
  });
});

describe('dilate', () => {
  it('grows a set pixel into a (2r+1) square, clipped at the border', () => {
    const data = new Uint8Array(5 * 4);
    data[1 * 5 + 1] = 1;
    const out = dilate({ width: 5, height: 4, channels: 1, data }, 1);
    expect([...out.data]).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...dilate({ width: 5, height: 4, channels: 1, data }, 0).data]).toEqual([...data]);
  });

  /** The definition: each pixel the largest value of the window around it, inside the image. */
  function windowMax(data: Uint8Array, w: number, h: number, r: number): number[] {
    const out: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let m = 0;
        for (let j = Math.max(0, y - r); j <= Math.min(h - 1, y + r); j++)
          for (let i = Math.max(0, x - r); i <= Math.min(w - 1, x + r); i++)
            m = Math.max(m, data[j * w + i]!);
        out.push(m);
      }
    }
    return out;
  }

  it('equals the window max on gray images, sparse to full, of any size, radius and alignment', () => {
    const random = seededRandom(7);
    for (const [w, h] of [
      [160, 120],
      [37, 23],
      [5, 1],
      [1, 6],
      [3, 3],
    ] as const) {
      for (const radius of [0, 1, 2, 5]) {
        for (const density of [0, 0.02, 0.3, 1]) {
          // One byte in: the pixels start at an odd offset, where 32-bit words cannot be read.
          for (const offset of [0, 1]) {
            const data = new Uint8Array(offset + w * h).subarray(offset);
            for (let i = 0; i < data.length; i++)
              data[i] = random() < density ? 1 + Math.floor(random() * 255) : 0;
            const got = dilate({ width: w, height: h, channels: 1, data }, radius);
            expect([...got.data], `${w}x${h} r${radius} density ${density} offset ${offset}`).toEqual(
              windowMax(data, w, h, radius),
            );
          }
        }
      }
    }
  });

  it('writes every pixel of an output and a scratch that held other pixels', () => {
    const random = seededRandom(8);
    const data = new Uint8Array(40 * 30).map(() => (random() < 0.05 ? 255 : 0));
    const out = { width: 40, height: 30, channels: 1, data: new Uint8Array(40 * 30).fill(77) };
    dilate({ width: 40, height: 30, channels: 1, data }, 2, out, new Uint8Array(40 * 30).fill(99));
    expect([...out.data]).toEqual(windowMax(data, 40, 30, 2));
  });
});
