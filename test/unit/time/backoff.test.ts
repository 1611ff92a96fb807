import { describe, expect, it } from 'vitest';
import { Backoff, doublingBackoff } from '../../../src/time/backoff.js';

describe('Backoff', () => {
  it('takes up to a quarter off each delay at random, so a fleet does not reconnect in step', () => {
    const draws = [1, 0.5, 0];
    const backoff = new Backoff(doublingBackoff(1000, 4000), () => draws.shift() ?? 0);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([750, 1750, 4000, 4000]);
    expect(backoff.attempts).toBe(4);
    const spread = new Backoff(doublingBackoff(1000, 4000));
    for (let i = 0; i < 50; i++) {
      const delay = spread.next();
      const full = Math.min(4000, 1000 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(full * 0.75);
      expect(delay).toBeLessThanOrEqual(full);
    }
  });
});
