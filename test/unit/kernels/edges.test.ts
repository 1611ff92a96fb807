import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { syntheticPhoto } from '../../../bench/photo.js';
import type { Image } from '../../../src/frame.js';
import { encodeEdgeMapPng, sobelMagnitude } from '../../../src/kernels/edges.js';
import { rgbToGray } from '../../../src/kernels/gray.js';
import { thrown } from './helpers.js';

/** A W x H gray image from a function of (x, y). */
function gray(width: number, height: number, f: (x: number, y: number) => number): Image<Uint8Array> {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, channels: 1, data };
}

const columnsOf = (img: Image, y: number) =>
  Array.from(img.data.subarray(y * img.width, (y + 1) * img.width));

describe('sobelMagnitude', () => {
  it('draws a line of 255 at a vertical step with L1, and 0 elsewhere', () => {
    const step = gray(8, 6, (x) => (x < 4 ? 0 : 255));
    const edges = sobelMagnitude(step, { norm: 'L1' });
    for (let y = 0; y < 6; y++) expect(columnsOf(edges, y)).toEqual([0, 0, 0, 255, 255, 0, 0, 0]);
  });

  it('gives L1 = |gx| + |gy| and L2 = sqrt(gx^2 + gy^2) on a known gradient', () => {
    // I = 3x + 4y: inside the image gx = 4 * (I(x+1) - I(x-1)) = 24 and gy = 4 * 8 = 32.
    const ramp = gray(8, 8, (x, y) => 3 * x + 4 * y);
    const l2 = sobelMagnitude(ramp, { norm: 'L2' });
    const l1 = sobelMagnitude(ramp, { norm: 'L1' });
    for (let y = 1; y < 7; y++) {
      for (let x = 1; x < 7; x++) {
        expect(l2.data[y * 8 + x]).toBe(40);
        expect(l1.data[y * 8 + x]).toBe(56);
      }
    }
    // The default reflect border mirrors the ramp at the frame: gx is 0 on the first column.
    expect(l2.data[3 * 8]).toBe(32);
    // An edge border repeats it instead: half the difference.
    expect(sobelMagnitude(ramp, { norm: 'L2', border: 'edge' }).data[3 * 8]).toBe(
      Math.round(Math.hypot(12, 32)),
    );
  });

  it('thresholds: magnitudes >= threshold become 255, the rest 0', () => {
    const ramp = gray(8, 8, (x, y) => 3 * x + 4 * y);
    expect(sobelMagnitude(ramp, { norm: 'L2', threshold: 40 }).data[3 * 8 + 3]).toBe(255);
    expect(sobelMagnitude(ramp, { norm: 'L2', threshold: 41 }).data[3 * 8 + 3]).toBe(0);
    const step = gray(8, 2, (x) => (x < 4 ? 0 : 10));
    expect(columnsOf(sobelMagnitude(step, { norm: 'L1', threshold: 30 }), 0)).toEqual([
      0, 0, 0, 255, 255, 0, 0, 0,
    ]);
  });

  it('converts RGB to 8-bit gray with integer BT.601 weights first', () => {
    // A pure green step of 50: gray (150 * 50 + 128) >> 8 = 29, so L1 at the step = 4 * 29 = 116
    // (a float gray 0.587 * 50 = 29.35 would give 117).
    const rgb: Image<Uint8Array> = { width: 6, height: 3, channels: 3, data: new Uint8Array(6 * 3 * 3) };
    for (let y = 0; y < 3; y++) for (let x = 3; x < 6; x++) rgb.data[(y * 6 + x) * 3 + 1] = 50;
    expect(columnsOf(sobelMagnitude(rgb, { norm: 'L1' }), 1)).toEqual([0, 0, 116, 116, 0, 0]);
    // Equal channels give the same map as the gray image.
    const step = gray(6, 3, (x) => (x < 3 ? 10 : 90));
    const grayRgb: Image<Uint8Array> = {
      ...step,
      channels: 3,
      data: Uint8Array.from(Array.from(step.data).flatMap((v) => [v, v, v])),
    };
    expect(sobelMagnitude(grayRgb, { norm: 'L2' }).data).toEqual(sobelMagnitude(step, { norm: 'L2' }).data);
    // Float RGB has no 8-bit gray: the same weights unrounded, 4 * 150 * 50 / 256 = 117.2 -> 117.
    const floatRgb: Image<Float32Array> = { ...rgb, data: Float32Array.from(rgb.data) };
    expect(columnsOf(sobelMagnitude(floatRgb, { norm: 'L1' }), 1)).toEqual([0, 0, 117, 117, 0, 0]);
  });

  it('gives an RGB frame the edge map of its rgbToGray image, so gray and RGB frames agree', () => {
    const rgb = syntheticPhoto(37, 23, 3);
    for (const norm of ['L1', 'L2'] as const) {
      expect(sobelMagnitude(rgb, { norm, threshold: 40 }).data).toEqual(
        sobelMagnitude(rgbToGray(rgb), { norm, threshold: 40 }).data,
      );
    }
  });

  it('draws a frame with a zero border, which is why reflect is the default', () => {
    const flat = gray(5, 5, () => 100);
    expect(sobelMagnitude(flat, { norm: 'L1' }).data.every((v) => v === 0)).toBe(true);
    const framed = sobelMagnitude(flat, { norm: 'L1', border: 'zero' });
    expect(framed.data[0]).toBe(255);
    expect(framed.data[2 * 5 + 2]).toBe(0);
  });

  it('writes into a given out; rejects bad channels, norms, thresholds and outs', () => {
    const img = gray(4, 4, (x) => x * 10);
    const out: Image<Uint8Array> = { width: 4, height: 4, channels: 1, data: new Uint8Array(16) };
    expect(sobelMagnitude(img, { norm: 'L1' }, out)).toBe(out);
    const two: Image<Uint8Array> = { width: 2, height: 2, channels: 2, data: new Uint8Array(8) };
    expect(thrown(() => sobelMagnitude(two, { norm: 'L1' })).message).toMatch(/2 channels/);
    expect(thrown(() => sobelMagnitude(img, { norm: 'L3' as 'L1' })).message).toMatch(/'L3'/);
    expect(thrown(() => sobelMagnitude(img, { norm: 'L1', threshold: Number.NaN })).code).toBe(
      'EDGECAM_ERR_ARGUMENT',
    );
    const wrong: Image<Uint8Array> = { width: 4, height: 3, channels: 1, data: new Uint8Array(12) };
    expect(thrown(() => sobelMagnitude(img, { norm: 'L1' }, wrong)).message).toMatch(/4x4x1/);
  });
});

describe('encodeEdgeMapPng', () => {
  it('writes a 1-channel gray PNG that decodes to the same pixels', async () => {
    const edges = sobelMagnitude(
      gray(16, 12, (x, y) => (x > y ? 200 : 20)),
      { norm: 'L1' },
    );
    for (const compressionLevel of [1, 9]) {
      const png = await encodeEdgeMapPng(edges, { compressionLevel });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR colour type (byte 25) 0 is grayscale.
      expect(png[25]).toBe(0);
      expect((await sharp(png).metadata()).channels).toBe(1);
      const { data, info } = await sharp(png)
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([16, 12, 1]);
      expect(new Uint8Array(data)).toEqual(edges.data);
    }
  });

  it('rejects multi-channel images and bad compression levels', async () => {
    const rgb: Image<Uint8Array> = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
    await expect(encodeEdgeMapPng(rgb)).rejects.toMatchObject({ code: 'EDGECAM_ERR_ARGUMENT' });
    const one: Image<Uint8Array> = { width: 1, height: 1, channels: 1, data: new Uint8Array(1) };
    await expect(encodeEdgeMapPng(one, { compressionLevel: 10 })).rejects.toThrow(/0\.\.9/);
  });
});
