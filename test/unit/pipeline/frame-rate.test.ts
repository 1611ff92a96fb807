import { describe, expect, it } from 'vitest';
import { FrameRate } from '../../../src/pipeline/frame-rate.js';

const T0 = 1_700_000_000_000;

describe('FrameRate', () => {
  it('reads a steady stream at its rate, from the second frame on', () => {
    const rate = new FrameRate();
    expect(rate.perSecond(T0)).toBe(0);
    for (let i = 0; i <= 100; i++) rate.tick(T0 + i * 100);
    expect(rate.perSecond(T0 + 10_000)).toBeCloseTo(10, 0);
    // Half a second after the last frame, half a second's frames are missing from the window.
    expect(rate.perSecond(T0 + 10_500)).toBeLessThan(10);
    expect(rate.perSecond(T0 + 16_000)).toBe(0);
  });

  it('starts over when the clock goes back, instead of reading a window in the future', () => {
    const rate = new FrameRate();
    for (let i = 0; i <= 50; i++) rate.tick(T0 + i * 100);
    const back = T0 - 3_600_000;
    for (let i = 0; i <= 50; i++) rate.tick(back + i * 200);
    expect(rate.perSecond(back + 10_000)).toBeCloseTo(5, 0);
  });
});
