import { describe, expect, it } from 'vitest';
import { naturalOrder } from '../../../src/capture/sources/natural-order.js';

const sorted = (names: readonly string[]) => [...names].sort(naturalOrder);

describe('naturalOrder', () => {
  it('puts numbers in order of their value, however many digits', () => {
    expect(sorted(['frame10.jpg', 'frame2.jpg', 'frame1.jpg', 'frame100.jpg'])).toEqual([
      'frame1.jpg',
      'frame2.jpg',
      'frame10.jpg',
      'frame100.jpg',
    ]);
    const long = '123456789012345678901234567890';
    expect(sorted([`a${long}1`, `a${long}0`, 'a9'])).toEqual(['a9', `a${long}0`, `a${long}1`]);
  });

  it('ignores case and leading zeros except to break a tie', () => {
    expect(sorted(['B.jpg', 'a.jpg', 'C.jpg'])).toEqual(['a.jpg', 'B.jpg', 'C.jpg']);
    expect(sorted(['IMG_0010.jpg', 'img_0002.jpg', 'IMG_0001.jpg'])).toEqual([
      'IMG_0001.jpg',
      'img_0002.jpg',
      'IMG_0010.jpg',
    ]);
    expect(sorted(['frame007.jpg', 'frame7.jpg', 'frame8.jpg'])).toEqual([
      'frame7.jpg',
      'frame007.jpg',
      'frame8.jpg',
    ]);
    expect(sorted(['A.jpg', 'a.jpg'])).toEqual(['a.jpg', 'A.jpg']);
  });

  it('is a total order: equal only for the same name', () => {
    expect(naturalOrder('x1.jpg', 'x1.jpg')).toBe(0);
    for (const [a, b] of [
      ['a', 'A'],
      ['a1', 'a01'],
      ['a', 'a1'],
      ['shot 2', 'shot_2'],
    ] as const) {
      expect(Math.sign(naturalOrder(a, b))).toBe(-Math.sign(naturalOrder(b, a)));
      expect(naturalOrder(a, b)).not.toBe(0);
    }
  });

  it("orders a camera's usual file names as a numeric collator does", () => {
    const names = [
      '2024-05-01_10-00-00.jpg',
      '2024-05-01_9-59-59.jpg',
      '2024-04-30_23-59-59.jpg',
      'Shot 10.png',
      'shot 9.png',
      'shot.png',
      'frame_0001.jpeg',
      'frame_0100.jpeg',
      'frame_0020.jpeg',
      'cam2-12.jpg',
      'cam10-1.jpg',
      'cam2-3.jpg',
      'zebra.jpg',
      'Apple.jpg',
    ];
    const collator = new Intl.Collator('en', { numeric: true });
    expect(sorted(names)).toEqual([...names].sort(collator.compare));
  });
});
