import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { relu } from '../../../src/kernels/activation.js';
import { thrown } from './helpers.js';

const map = (): Image<Float32Array> => ({
  width: 3,
  height: 2,
  channels: 1,
  data: new Float32Array([-2, 0, 3.5, -0.25, 7, -100]),
});

describe('relu', () => {
  it('replaces negative values with 0 into a new image, leaving the input alone', () => {
    const input = map();
    const out = relu(input);
    expect(Array.from(out.data)).toEqual([0, 0, 3.5, 0, 7, 0]);
    expect(out).not.toBe(input);
    expect(input.data[0]).toBe(-2);
  });

  it('works in place when out is the input', () => {
    const input = map();
    expect(relu(input, input)).toBe(input);
    expect(Array.from(input.data)).toEqual([0, 0, 3.5, 0, 7, 0]);
  });

  it('accepts 8-bit input and rejects an out of the wrong shape', () => {
    const bytes: Image<Uint8Array> = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 200]) };
    expect(Array.from(relu(bytes).data)).toEqual([0, 200]);
    const wrong: Image<Float32Array> = { width: 1, height: 1, channels: 1, data: new Float32Array(1) };
    expect(thrown(() => relu(map(), wrong)).code).toBe('EDGECAM_ERR_ARGUMENT');
  });
});
