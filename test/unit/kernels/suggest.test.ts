import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from '../../../src/kernels/suggest.js';

describe('editDistance', () => {
  it('counts inserts, deletes and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('box3', 'box3')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('sobel-lft', 'sobel-left')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestName', () => {
  it('picks the nearest candidate within the typo budget', () => {
    expect(closestName('sharpn', ['sharpen', 'outline'])).toBe('sharpen');
    expect(closestName('embos', ['emboss', 'box3'])).toBe('emboss');
    expect(closestName('wavelet', ['emboss', 'box3'])).toBeUndefined();
  });
});
