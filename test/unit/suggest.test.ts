import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/suggest.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('fps', 'fps')).toBe(0);
    expect(editDistance('fpss', 'fps')).toBe(1);
    expect(editDistance('hst', 'host')).toBe(1);
    expect(editDistance('levle', 'level')).toBe(1);
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('didYouMean', () => {
  it('finds the closest candidate, ignoring case', () => {
    expect(didYouMean('prot', ['host', 'port'])).toBe('port');
    expect(didYouMean('statedir', ['device', 'stateDir'])).toBe('stateDir');
  });

  it('finds kernel-name typos', () => {
    expect(didYouMean('sobel-lft', ['sobel-left', 'sobel-right'])).toBe('sobel-left');
    expect(didYouMean('sharpn', ['sharpen', 'outline'])).toBe('sharpen');
    expect(didYouMean('embos', ['emboss', 'box3'])).toBe('emboss');
    expect(didYouMean('wavelet', ['emboss', 'box3'])).toBeUndefined();
  });

  it('suggests nothing when no candidate is a plausible typo', () => {
    expect(didYouMean('timeoutSeconds', ['host', 'port'])).toBeUndefined();
    expect(didYouMean('id', ['fps'])).toBeUndefined();
  });
});
