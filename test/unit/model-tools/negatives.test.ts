import { describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import {
  countAtOrAbove,
  type FalseDetection,
  lowestThreshold,
  per100Images,
  summarizeNegatives,
  withinRate,
} from '../../../src/model-tools/eval/negatives.js';

const noImages = (e: unknown) =>
  isEdgecamError(e, 'EDGECAM_ERR_ARGUMENT') && String(e).includes('a rate per 100 images needs images');

describe('countAtOrAbove', () => {
  it('counts scores at or above the threshold, the boundary included', () => {
    expect(countAtOrAbove([0.9, 0.5, 0.5, 0.2], 0.5)).toBe(3);
    expect(countAtOrAbove([0.9, 0.5, 0.5, 0.2], 0.501)).toBe(1);
    expect(countAtOrAbove([], 0.001)).toBe(0);
  });
});

describe('per100Images and withinRate', () => {
  it('is count * 100 / images', () => {
    expect(per100Images(3, 8)).toBe(37.5);
    expect(per100Images(0, 8)).toBe(0);
    expect(per100Images(2, 200)).toBe(1);
  });

  it('allows 1 per 100 images: none below 100 images, 1 from 100, 2 from 200', () => {
    expect(withinRate(0, 1)).toBe(true);
    expect(withinRate(1, 99)).toBe(false);
    expect(withinRate(1, 100)).toBe(true);
    expect(withinRate(2, 199)).toBe(false);
    expect(withinRate(2, 200)).toBe(true);
    expect(withinRate(3, 100, 3)).toBe(true);
  });

  it('refuses 0 images, which have no rate', () => {
    expect(() => per100Images(0, 0)).toThrow(expect.toSatisfy(noImages));
    expect(() => withinRate(0, 0)).toThrow(expect.toSatisfy(noImages));
  });
});

describe('lowestThreshold', () => {
  it('is the floor when nothing was detected at all', () => {
    expect(lowestThreshold([], 8, 0.001)).toBe(0.001);
    expect(lowestThreshold([], 1, 0)).toBe(0);
  });

  it('is the floor when the detections down to it are already within the rate', () => {
    expect(lowestThreshold([0.8], 100, 0.001)).toBe(0.001);
  });

  it('with fewer than 100 images, is the first thousandth above the highest score', () => {
    expect(lowestThreshold([0.42, 0.3, 0.01], 8, 0.001)).toBe(0.421);
    // A float32 score just under 0.42 (as a model gives it): 0.42 itself already passes.
    expect(lowestThreshold([Math.fround(0.42)], 8, 0.001)).toBe(0.42);
  });

  it('with 200 images, lets the two highest through and stops the third', () => {
    const scores = [0.9, 0.8, 0.7, 0.05, 0.002];
    const t = lowestThreshold(scores, 200, 0.001);
    expect(t).toBe(0.701);
    expect(countAtOrAbove(scores, t!)).toBe(2);
    expect(countAtOrAbove(scores, t! - 0.001)).toBe(3);
  });

  it('moves tied scores at the boundary together', () => {
    // 100 images allow one; the two at 0.5 are both in at 0.5 and both out at 0.501.
    expect(lowestThreshold([0.5, 0.5, 0.3], 100, 0.001)).toBe(0.501);
    // 200 images allow two: the tie fits exactly, so the 0.3 is what has to go.
    expect(lowestThreshold([0.5, 0.5, 0.3], 200, 0.001)).toBe(0.301);
  });

  it('starts above a floor that is not a whole thousandth', () => {
    expect(lowestThreshold([0.0007], 8, 0.0005)).toBe(0.001);
  });

  it('is null when even 1 keeps too many (scores of exactly 1)', () => {
    expect(lowestThreshold([1, 0.2], 8, 0.001)).toBeNull();
    expect(lowestThreshold([1, 0.2], 100, 0.001)).toBe(0.201);
  });

  it('refuses 0 images', () => {
    expect(() => lowestThreshold([], 0, 0.001)).toThrow(expect.toSatisfy(noImages));
  });
});

describe('summarizeNegatives', () => {
  const detections: FalseDetection[] = [
    { image: 0, classId: 2, score: 0.6 },
    { image: 0, classId: 2, score: 0.35 },
    { image: 3, classId: 0, score: 0.4 },
    { image: 3, classId: 1, score: 0.1 },
    { image: 5, classId: 1, score: 0.002 },
  ];

  it('counts at the threshold from the same list the search uses', () => {
    expect(summarizeNegatives(detections, 8, 3, 0.35, 0.001)).toEqual({
      falseDetections: 3,
      per100Images: 37.5,
      imagesWithFalseDetections: 2,
      perClass: [1, 0, 2],
      lowestThreshold: 0.601,
    });
  });

  it('gives zeros and the floor on a clean run', () => {
    expect(summarizeNegatives([], 150, 2, 0.35, 0.001)).toEqual({
      falseDetections: 0,
      per100Images: 0,
      imagesWithFalseDetections: 0,
      perClass: [0, 0],
      lowestThreshold: 0.001,
    });
  });

  it('refuses 0 images', () => {
    expect(() => summarizeNegatives([], 0, 2, 0.35, 0.001)).toThrow(expect.toSatisfy(noImages));
  });
});
