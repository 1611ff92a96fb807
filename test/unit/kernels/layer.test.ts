import { describe, expect, it } from 'vitest';
import { convLayerShape } from '../../../src/kernels/layer.js';
import { thrown } from './helpers.js';

describe('convLayerShape (seed 001, seed 003)', () => {
  it('16 kernels of 3x3x1 on 28x28x1 have 160 parameters', () => {
    expect(
      convLayerShape({ input: [28, 28, 1], kernels: 16, size: [3, 3], padding: 'valid', stride: 1 }),
    ).toEqual({
      output: [26, 26, 16],
      parameters: 160,
    });
  });

  it('64 kernels of 3x3x16 have 9280 parameters, and the 11x11x64 output flattens to 7744', () => {
    const layer = convLayerShape({
      input: [13, 13, 16],
      kernels: 64,
      size: [3, 3],
      padding: 'valid',
      stride: 1,
    });
    expect(layer).toEqual({ output: [11, 11, 64], parameters: 9280 });
    expect(layer.output.reduce((a, b) => a * b, 1)).toBe(7744);
  });

  it('counts no bias when asked, and handles same padding, stride and non-square kernels', () => {
    expect(
      convLayerShape({
        input: [28, 28, 1],
        kernels: 16,
        size: [3, 3],
        padding: 'valid',
        stride: 1,
        bias: false,
      }).parameters,
    ).toBe(144);
    expect(
      convLayerShape({ input: [32, 32, 3], kernels: 8, size: [5, 5], padding: 'same', stride: 1 }).output,
    ).toEqual([32, 32, 8]);
    expect(
      convLayerShape({ input: [13, 13, 1], kernels: 1, size: [3, 3], padding: 0, stride: 2 }).output,
    ).toEqual([6, 6, 1]);
    expect(
      convLayerShape({ input: [6, 8, 2], kernels: 4, size: [2, 3], padding: 'valid', stride: 1 }),
    ).toEqual({
      output: [5, 6, 4],
      parameters: 4 * (2 * 3 * 2 + 1),
    });
  });

  it('rejects impossible configurations, naming I, F, P, S', () => {
    const err = thrown(() =>
      convLayerShape({ input: [10, 10, 1], kernels: 4, size: [3, 3], padding: 0, stride: 2 }),
    );
    expect(err.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(err.message).toMatch(/I=10, F=3, P=0, S=2/);
    expect(
      thrown(() =>
        convLayerShape({ input: [8, 8, 1], kernels: 0, size: [3, 3], padding: 'valid', stride: 1 }),
      ).code,
    ).toBe('EDGECAM_ERR_ARGUMENT');
    expect(
      thrown(() => convLayerShape({ input: [8, 8, 1], kernels: 2, size: [2, 2], padding: 'same', stride: 1 }))
        .message,
    ).toMatch(/odd/);
  });
});
