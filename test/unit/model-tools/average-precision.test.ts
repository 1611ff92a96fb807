import { describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import {
  averagePrecision,
  interpolatedAp,
  meanOf,
  type ScoredBox,
} from '../../../src/model-tools/eval/average-precision.js';
import { parseYoloLabels } from '../../../src/model-tools/eval/dataset.js';

const box = (x: number, y: number, w = 0.2, h = 0.2) => ({ x, y, w, h });

describe('averagePrecision (COCO 101-point)', () => {
  const truth = [[{ classId: 0, box: box(0.1, 0.1) }], [{ classId: 0, box: box(0.5, 0.5) }]];

  it('is 1 when every object is found and nothing else is reported', () => {
    const dets: ScoredBox[] = [
      { image: 0, classId: 0, score: 0.9, box: box(0.1, 0.1) },
      { image: 1, classId: 0, score: 0.8, box: box(0.51, 0.5) },
    ];
    const [c0] = averagePrecision(dets, truth, 1);
    expect(c0!.ap[0]).toBeCloseTo(1, 10);
    expect(c0!.objects).toBe(2);
  });

  it('charges a false positive ranked above a true one, and a box off by more than the IoU threshold', () => {
    const dets: ScoredBox[] = [
      { image: 0, classId: 0, score: 0.95, box: box(0.7, 0.7) }, // nothing there
      { image: 0, classId: 0, score: 0.9, box: box(0.1, 0.1) },
      { image: 1, classId: 0, score: 0.8, box: box(0.5, 0.5) },
    ];
    const [c0] = averagePrecision(dets, truth, 1);
    // Envelope: precision 2/3 for every recall point from 0 to 1 -> 101 points x 2/3.
    expect(c0!.ap[0]).toBeCloseTo(2 / 3, 10);
    // A box shifted by half its width: IoU 1/3, a miss at 0.5.
    const shifted = averagePrecision([{ image: 0, classId: 0, score: 0.9, box: box(0.2, 0.1) }], truth, 1);
    expect(shifted[0]!.ap[0]).toBe(0);
  });

  it('counts a duplicate of a matched object as a false positive', () => {
    const dets: ScoredBox[] = [
      { image: 0, classId: 0, score: 0.9, box: box(0.1, 0.1) },
      { image: 0, classId: 0, score: 0.85, box: box(0.1, 0.1) },
    ];
    const [c0] = averagePrecision(dets, [truth[0]!], 1);
    expect(c0!.ap[0]).toBeCloseTo(1, 10); // the duplicate comes after full recall
    expect(Array.from(c0!.curve.precision)).toEqual([1, 0.5]);
  });

  it('gives NaN to a class without objects, which the mean skips', () => {
    const aps = averagePrecision([], truth, 2);
    expect(aps[0]!.ap[0]).toBe(0);
    expect(aps[1]!.ap[0]).toBeNaN();
    expect(meanOf(aps.map((a) => a.ap[0]!))).toBe(0);
  });

  it('samples the precision envelope at 101 recall points', () => {
    expect(interpolatedAp(Float64Array.of(0.5), Float64Array.of(1))).toBeCloseTo(51 / 101, 10);
  });
});

describe('parseYoloLabels', () => {
  it('reads class cx cy w h lines into top-left boxes; an empty file is no objects', () => {
    expect(parseYoloLabels('3 0.5 0.5 0.2 0.4\n', 'a.txt', 10)).toEqual([
      { classId: 3, box: { x: 0.4, y: 0.3, w: 0.2, h: 0.4 } },
    ]);
    expect(parseYoloLabels('', 'a.txt', 10)).toEqual([]);
  });

  it('names the file, line and the class range for a class the model does not have', () => {
    try {
      parseYoloLabels('0 0.5 0.5 0.1 0.1\n12 0.5 0.5 0.1 0.1\n', 'labels/a.txt', 10);
      expect.unreachable();
    } catch (err) {
      expect(isEdgecamError(err, 'EDGECAM_ERR_EVAL_DATA')).toBe(true);
      expect((err as Error).message).toContain('labels/a.txt:2: class 12 is not one of the model');
    }
  });
});
