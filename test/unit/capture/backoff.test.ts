import { describe, expect, it } from 'vitest';
import { RESTART_BACKOFF } from '../../../src/capture/capture-source.js';
import { backoffDelay } from '../../../src/time/backoff.js';

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at the 30 s cap', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, RESTART_BACKOFF, noJitter))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('takes up to a quarter off at random, never adding to the cap', () => {
    expect(backoffDelay(0, RESTART_BACKOFF, () => 1)).toBe(750);
    expect(backoffDelay(10, RESTART_BACKOFF, () => 0.5)).toBe(26250);
    for (let i = 0; i < 100; i++) expect(backoffDelay(i % 12, RESTART_BACKOFF)).toBeLessThanOrEqual(30000);
  });
});
