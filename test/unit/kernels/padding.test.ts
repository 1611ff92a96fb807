import { describe, expect, it } from 'vitest';
import { borderIndexMap } from '../../../src/kernels/padding.js';

describe('borderIndexMap', () => {
  it('zero: -1 outside the axis', () => {
    expect(Array.from(borderIndexMap(3, 2, 'zero'))).toEqual([-1, -1, 0, 1, 2, -1, -1]);
  });

  it('edge: aaa|abcd|ddd', () => {
    expect(Array.from(borderIndexMap(4, 3, 'edge'))).toEqual([0, 0, 0, 0, 1, 2, 3, 3, 3, 3]);
  });

  it('reflect: dcb|abcd|cba, mirrored repeatedly past the axis length as numpy.pad does', () => {
    expect(Array.from(borderIndexMap(4, 3, 'reflect'))).toEqual([3, 2, 1, 0, 1, 2, 3, 2, 1, 0]);
    // numpy.pad([0, 1, 2], 4, 'reflect') -> [0 1 2 1 0 1 2 1 0 1 2]
    expect(Array.from(borderIndexMap(3, 4, 'reflect'))).toEqual([0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2]);
    expect(Array.from(borderIndexMap(1, 2, 'reflect'))).toEqual([0, 0, 0, 0, 0]);
  });
});
