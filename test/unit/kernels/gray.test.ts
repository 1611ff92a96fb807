import { describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import type { Image } from '../../../src/frame.js';
import { grayLevel, rgbToGray } from '../../../src/kernels/gray.js';
import { rgbToGray as exported } from '../../../src/kernels/index.js';

const rgb = (pixels: number[][]): Image<Uint8Array> => ({
  width: pixels.length,
  height: 1,
  channels: 3,
  data: Uint8Array.from(pixels.flat()),
});

describe('rgbToGray', () => {
  it('uses integer BT.601: (77 R + 150 G + 29 B + 128) >> 8', () => {
    const img = rgb([
      [0, 0, 0],
      [255, 255, 255],
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [10, 200, 30],
    ]);
    // 77 * 255 + 128 = 19763 -> 77; 150 * 255 + 128 = 38378 -> 149; 29 * 255 + 128 = 7523 -> 29;
    // 770 + 30000 + 870 + 128 = 31768 -> 124.
    expect(Array.from(rgbToGray(img).data)).toEqual([0, 255, 77, 149, 29, 124]);
    expect(grayLevel(10, 200, 30)).toBe(124);
  });

  it('keeps equal channels as they are, for every level (the weights sum to 256)', () => {
    const levels = Array.from({ length: 256 }, (_, v) => [v, v, v]);
    expect(Array.from(rgbToGray(rgb(levels)).data)).toEqual(levels.map(([v]) => v));
  });

  it('writes into out when given and returns it, and is exported from the kernel API', () => {
    const img = rgb([
      [1, 2, 3],
      [200, 100, 50],
    ]);
    const out = { width: 2, height: 1, channels: 1, data: new Uint8Array(2) };
    expect(exported(img, out)).toBe(out);
    expect(Array.from(out.data)).toEqual([grayLevel(1, 2, 3), grayLevel(200, 100, 50)]);
  });

  it('rejects gray, 4-channel, float and mis-shaped images and outs with EDGECAM_ERR_ARGUMENT', () => {
    const bad: [Image<Uint8Array>, Image<Uint8Array> | undefined, RegExp][] = [
      [{ width: 2, height: 1, channels: 1, data: new Uint8Array(2) }, undefined, /gray already/],
      [{ width: 1, height: 1, channels: 4, data: new Uint8Array(4) }, undefined, /received 4 channel/],
      [
        { width: 1, height: 1, channels: 3, data: new Float32Array(3) as unknown as Uint8Array },
        undefined,
        /8-bit RGB/,
      ],
      [rgb([[1, 2, 3]]), { width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, /out/],
    ];
    for (const [img, out, message] of bad) {
      try {
        rgbToGray(img, out);
        expect.fail(`expected an error for ${message}`);
      } catch (err) {
        expect(isEdgecamError(err, 'EDGECAM_ERR_ARGUMENT')).toBe(true);
        expect((err as Error).message).toMatch(message);
      }
    }
  });
});
