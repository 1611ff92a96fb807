import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import type { Uint8Policy } from '../../../src/kernels/types.js';
import { toUint8 } from '../../../src/kernels/uint8.js';
import { thrown } from './helpers.js';

const floats = (values: number[]): Image<Float32Array> => ({
  width: values.length,
  height: 1,
  channels: 1,
  data: Float32Array.from(values),
});
const bytes = (values: number[], policy: Uint8Policy) => Array.from(toUint8(floats(values), policy).data);

describe('toUint8', () => {
  it('clamp: rounds half up like Math.round, then clamps to 0..255; NaN becomes 0', () => {
    expect(bytes([-1.4, -0.5, 0.4, 0.5, 1.5, 2.5, 254.5, 255.4, 300, Number.NaN], { kind: 'clamp' })).toEqual(
      [0, 0, 0, 1, 2, 3, 255, 255, 255, 0],
    );
  });

  it('abs: makes negative responses bright', () => {
    expect(bytes([-1.4, -2.5, -254.6, -1000, 3], { kind: 'abs' })).toEqual([1, 3, 255, 255, 3]);
  });

  it('scale with numbers: v * scale + offset', () => {
    expect(bytes([-1030, -1020, 0, 1020], { kind: 'scale', scale: 0.125, offset: 128 })).toEqual([
      0, 1, 128, 255,
    ]);
    expect(bytes([1, 2, 3], { kind: 'scale', scale: 2 })).toEqual([2, 4, 6]);
    expect(bytes([1, 2, 3], { kind: 'scale', offset: 100 })).toEqual([101, 102, 103]);
  });

  it("scale without numbers: stretches the image's own min..max to 0..255", () => {
    expect(bytes([-10, 0, 10, 30], { kind: 'scale' })).toEqual([0, 64, 128, 255]);
    expect(bytes([0.2, 0.4], { kind: 'scale' })).toEqual([0, 255]);
  });

  it('scale without numbers: a constant image becomes 0', () => {
    expect(bytes([5, 5, 5], { kind: 'scale' })).toEqual([0, 0, 0]);
  });

  it('keeps the shape and writes into a given out', () => {
    const input: Image<Float32Array> = {
      width: 2,
      height: 1,
      channels: 2,
      data: new Float32Array([1, 2, 3, 4]),
    };
    const out: Image<Uint8Array> = { width: 2, height: 1, channels: 2, data: new Uint8Array(4) };
    expect(toUint8(input, { kind: 'clamp' }, out)).toBe(out);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects an out of the wrong size, an unknown policy and non-finite scale numbers', () => {
    const wrong: Image<Uint8Array> = { width: 3, height: 1, channels: 1, data: new Uint8Array(3) };
    expect(thrown(() => toUint8(floats([1, 2]), { kind: 'clamp' }, wrong)).message).toMatch(/2x1x1/);
    const unknown = thrown(() => toUint8(floats([1]), { kind: 'wrap' } as unknown as Uint8Policy));
    expect(unknown.code).toBe('EDGECAM_ERR_ARGUMENT');
    expect(unknown.message).toMatch(/'wrap'/);
    expect(thrown(() => toUint8(floats([1]), { kind: 'scale', scale: Number.NaN })).message).toMatch(/scale/);
  });
});
