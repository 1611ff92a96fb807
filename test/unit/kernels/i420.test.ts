import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../../src/capture/programs.js';
import { I420Image, I420ToRgb, i420Size, i420ToRgbTypeScript } from '../../../src/kernels/i420.js';
import { seededRandom } from '../../../src/random.js';

const SAMPLE = 'models/signs/samples/frame_010.jpg';

function randomI420(width: number, height: number, seed: number): Uint8Array {
  const rand = seededRandom(seed);
  return Uint8Array.from({ length: i420Size(width, height) }, () => Math.floor(rand() * 256));
}

function convert(i420: Uint8Array, width: number, height: number): Uint8Array {
  return new I420ToRgb(width, height).convert(i420);
}

function typescript(i420: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  i420ToRgbTypeScript(i420, width, height, rgb);
  return rgb;
}

/** JPEG's YCbCr -> RGB in floating point, rounded and clamped: what the fixed point approximates. */
function exact(y: number, u: number, v: number): [number, number, number] {
  const c = (x: number) => Math.min(255, Math.max(0, Math.round(x)));
  return [
    c(y + 1.402 * (v - 128)),
    c(y - 0.344136 * (u - 128) - 0.714136 * (v - 128)),
    c(y + 1.772 * (u - 128)),
  ];
}

describe('I420 to RGB', () => {
  afterEach(() => {
    delete process.env.EDGECAM_KERNEL_ENGINE;
  });

  it('is within one level of the exact conversion, each chroma sample covering its 2x2 pixels', () => {
    // Every (Y, U, V) on a grid, with the extremes: 2x2 blocks of one Y, so each pixel is one case.
    const levels = [0, 1, 16, 64, 127, 128, 129, 200, 235, 254, 255];
    const cases: [number, number, number][] = [];
    for (const y of levels) for (const u of levels) for (const v of levels) cases.push([y, u, v]);
    const width = 2 * cases.length;
    const height = 2;
    const i420 = new Uint8Array(i420Size(width, height));
    cases.forEach(([y, u, v], k) => {
      i420.fill(y, 2 * k, 2 * k + 2);
      i420.fill(y, width + 2 * k, width + 2 * k + 2);
      i420[width * height + k] = u;
      i420[width * height + cases.length + k] = v;
    });
    const rgb = convert(i420, width, height);
    let worst = 0;
    cases.forEach((yuv, k) => {
      const want = exact(...yuv);
      for (const pixel of [2 * k, 2 * k + 1, width + 2 * k, width + 2 * k + 1])
        for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(rgb[pixel * 3 + ch]! - want[ch]!));
    });
    expect(worst).toBeLessThanOrEqual(1);
    // Gray (U = V = 128) is exact, and the extremes clamp rather than wrap.
    expect(Array.from(convert(Uint8Array.from([7, 7, 7, 7, 128, 128]), 2, 2))).toEqual(Array(12).fill(7));
    expect(Array.from(convert(Uint8Array.from([255, 255, 255, 255, 0, 255]), 2, 2).slice(0, 3))).toEqual(
      exact(255, 0, 255),
    );
  });

  it('gives the same bytes in the SIMD pass and the TypeScript loop, widths with and without a partial last step', () => {
    for (const [width, height] of [
      [16, 2],
      [18, 4],
      [46, 6],
      // Bands of 32 rows: a last band of 6 rows, and one of 2.
      [48, 70],
      [32, 34],
      [640, 480],
      [1282, 2],
    ] as const) {
      const i420 = randomI420(width, height, width + height);
      expect(convert(i420, width, height), `${width}x${height}`).toEqual(typescript(i420, width, height));
    }
  });

  it('keeps to the TypeScript loop under EDGECAM_KERNEL_ENGINE=typescript and below 16 pixels wide, with the same result', () => {
    const i420 = randomI420(64, 4, 3);
    const simd = convert(i420, 64, 4);
    process.env.EDGECAM_KERNEL_ENGINE = 'typescript';
    expect(new I420ToRgb(64, 4).convert(i420)).toEqual(simd);
    delete process.env.EDGECAM_KERNEL_ENGINE;
    const narrow = randomI420(6, 2, 4);
    expect(convert(narrow, 6, 2)).toEqual(typescript(narrow, 6, 2));
  });

  it('gives a new array for each frame, and refuses planes too short for its size', () => {
    const converter = new I420ToRgb(32, 2);
    const first = converter.convert(randomI420(32, 2, 5));
    const second = converter.convert(randomI420(32, 2, 6));
    expect(second).not.toBe(first);
    expect(first).toEqual(typescript(randomI420(32, 2, 5), 32, 2));
    expect(second).toEqual(typescript(randomI420(32, 2, 6), 32, 2));
    expect(() => converter.convert(new Uint8Array(95))).toThrow(/32x2 I420 frame takes 96 bytes, not 95/);
  });

  it('refuses an odd or empty size', () => {
    expect(() => new I420ToRgb(33, 24)).toThrow(/even width and height, not 33x24/);
    expect(() => new I420ToRgb(32, 25)).toThrow(/even/);
    expect(() => new I420ToRgb(0, 0)).toThrow(/even/);
  });

  it("matches ffmpeg's own RGB conversion of a sample JPEG within two levels", () => {
    const ffmpeg = resolveFfmpeg();
    const decode = (pixFmt: string) =>
      execFileSync(ffmpeg, ['-v', 'error', '-i', SAMPLE, '-pix_fmt', pixFmt, '-f', 'rawvideo', 'pipe:1'], {
        maxBuffer: 8 << 20,
      });
    const i420 = decode('yuvj420p');
    const reference = decode('rgb24');
    expect(i420.length).toBe(i420Size(640, 480));
    const rgb = convert(i420, 640, 480);
    let worst = 0;
    let total = 0;
    for (let i = 0; i < rgb.length; i++) {
      const d = Math.abs(rgb[i]! - reference[i]!);
      worst = Math.max(worst, d);
      total += d;
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(total / rgb.length).toBeLessThan(1);
  });
});

describe('I420Image', () => {
  it('converts its planes to RGB on the first read of data, once, and refuses planes too short', () => {
    const planes = randomI420(32, 4, 9);
    const image = new I420Image(32, 4, planes);
    expect([image.width, image.height, image.channels, image.i420]).toEqual([32, 4, 3, planes]);
    const data = image.data;
    expect(data).toEqual(typescript(planes, 32, 4));
    expect(image.data).toBe(data);
    expect(() => new I420Image(32, 4, planes.subarray(1))).toThrow(/takes 192 bytes, not 191/);
  });
});
