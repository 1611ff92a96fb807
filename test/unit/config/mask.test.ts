import { describe, expect, it } from 'vitest';
import { formatProblems } from '../../../src/config/index.js';
import { problemAt, problemsIn } from './fixtures.js';

describe('config problems in masks and zones (polygons)', () => {
  it('name the corner, the value and the fix for a pixel coordinate', async () => {
    const problems = await problemsIn('bad-mask.yaml');
    expect(problemAt(problems, 'cameras[0].mask[0][1][0]')).toMatchObject({
      value: 320,
      message:
        'x = 320 is outside the frame: corners are fractions of the frame from 0 to 1 (0, 0 is the top-left)',
      fix: "divide pixels by the frame's width, e.g. x 320 of 640 px is 0.5",
      line: 9,
    });
    // Zones share the polygon's checks.
    expect(problemAt(problems, 'cameras[0].zones.door[2][1]')).toMatchObject({
      value: -0.5,
      fix: "divide pixels by the frame's height, e.g. y 120 of 480 px is 0.25",
    });
  });

  it('say how many corners a polygon has and needs', async () => {
    const problems = await problemsIn('bad-mask.yaml');
    expect(problemAt(problems, 'cameras[0].mask[1]')).toMatchObject({
      value: [
        [0, 0],
        [1, 0],
      ],
      message: 'a polygon needs at least 3 corners, received 2',
      fix: 'list 3 or more corners [x, y], e.g. [[0, 0], [0.5, 0], [0.5, 1]]',
    });
  });

  it('say a corner was expected where one polygon stands for the list of them', async () => {
    const problems = await problemsIn('bad-mask.yaml');
    expect(problemAt(problems, 'cameras[1].mask[0][0]')).toMatchObject({
      value: 0,
      message: 'expected a corner [x, y], received a number',
    });
    // The report a user reads names the key, the value, where and the fix.
    const pixel = problems.filter((p) => p.path === 'cameras[0].mask[0][1][0]');
    expect(formatProblems(pixel, 'edgecam.yaml')).toBe(
      [
        '1 problem in edgecam.yaml:',
        '',
        'cameras[0].mask[0][1][0]: x = 320 is outside the frame: corners are fractions of the frame from 0 to 1 (0, 0 is the top-left) (value 320)',
        '  at edgecam.yaml:9:19',
        "  fix: divide pixels by the frame's width, e.g. x 320 of 640 px is 0.5",
      ].join('\n'),
    );
  });

  it('accept a list of polygons, and an empty one', async () => {
    const mask = [
      [
        [0, 0],
        [0.5, 0],
        [0.5, 0.25],
      ],
    ];
    expect(await problemsIn('empty.yaml', { overrides: { 'cameras.0.mask': mask } })).toEqual([]);
    expect(await problemsIn('empty.yaml', { overrides: { 'cameras.0.mask': [] } })).toEqual([]);
  });
});
