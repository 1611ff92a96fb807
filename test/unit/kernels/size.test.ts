import { describe, expect, it } from 'vitest';
import { outputSize } from '../../../src/kernels/size.js';
import { thrown } from './helpers.js';

describe('outputSize (seed 003)', () => {
  it('I=13, F=3, P=0, S=2 gives 6', () => {
    expect(outputSize(13, 3, 0, 2)).toBe(6);
  });

  it('covers valid, same and full padding at stride 1', () => {
    expect(outputSize(28, 3, 0, 1)).toBe(26);
    expect(outputSize(28, 3, 1, 1)).toBe(28);
    expect(outputSize(5, 3, 2, 1)).toBe(7);
    expect(outputSize(4, 4, 0, 1)).toBe(1);
  });

  it('I=10, F=3, P=0, S=2 is an error naming I, F, P and S and suggesting a fix', () => {
    const err = thrown(() => outputSize(10, 3, 0, 2));
    expect(err.code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
    expect(err.message).toMatch(/I=10, F=3, P=0, S=2/);
    expect(err.message).toMatch(/4\.5/);
    // Padding changes the span by an even number, so only a stride fixes an odd span.
    expect(err.message).toMatch(/try stride S=1/);
    expect(thrown(() => outputSize(11, 3, 0, 3)).message).toMatch(/try padding P=2 or stride S=2/);
  });

  it('rejects a kernel larger than the padded input, and non-whole or out-of-range numbers', () => {
    expect(thrown(() => outputSize(2, 5, 0, 1)).message).toMatch(/F=5 does not fit .* I=2/);
    expect(thrown(() => outputSize(0, 3, 0, 1)).message).toMatch(/I \(input size\)/);
    expect(thrown(() => outputSize(5, 3, -1, 1)).message).toMatch(/P \(padding\)/);
    expect(thrown(() => outputSize(5, 3, 0, 0)).message).toMatch(/S \(stride\)/);
    expect(thrown(() => outputSize(5, 2.5, 0, 1)).code).toBe('EDGECAM_ERR_OUTPUT_SIZE');
  });
});
