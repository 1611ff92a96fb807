import { describe, expect, it } from 'vitest';
import { conv1d } from '../../../src/kernels/conv1d.js';
import { ScoreSmoother, smoothingWeights } from '../../../src/pipeline/smoothing.js';

describe('temporal smoothing', () => {
  it('mean weighs the last N frames equally', () => {
    expect([...smoothingWeights('mean', 4)]).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('gaussian sums to 1 and weighs the newest frame most, the oldest least', () => {
    const w = [...smoothingWeights('gaussian', 5)];
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 1; i < w.length; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
  });

  it('one frame is no smoothing', () => {
    const s = new ScoreSmoother(smoothingWeights('gaussian', 1));
    expect(s.push(0.7)).toBeCloseTo(0.7, 12);
    expect(s.push(0.2)).toBeCloseTo(0.2, 12);
  });

  it.each(['mean', 'gaussian'] as const)(
    "%s: each output is the kernel engine's 1-D correlation (valid) of the last N scores, zeros before the first",
    (kernel) => {
      const weights = smoothingWeights(kernel, 4);
      const scores = [0.9, 0, 0.8, 0.85, 0.1, 0, 0, 0.95, 0.7];
      const padded = [0, 0, 0, ...scores];
      const expected = conv1d(padded, weights, { mode: 'correlate', padding: 'valid' });
      const smoother = new ScoreSmoother(weights);
      const got = scores.map((s) => smoother.push(s));
      expect(got.length).toBe(expected.length);
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(expected[i]!, 6);
    },
  );

  it('is idle only once the whole window is zero', () => {
    const s = new ScoreSmoother(smoothingWeights('mean', 3));
    expect(s.idle).toBe(true);
    s.push(0.5);
    expect(s.idle).toBe(false);
    s.push(0);
    s.push(0);
    expect(s.idle).toBe(false);
    s.push(0);
    expect(s.idle).toBe(true);
  });
});
