import { describe, expect, it } from 'vitest';
import { cameraSchema } from '../../../src/config/schema.js';
import { problemAt, problemsIn } from './fixtures.js';

describe('config: counting lines', () => {
  it('name the end, the value and the fix for a pixel coordinate, a line of one point, a bad direction', async () => {
    const problems = await problemsIn('bad-lines.yaml');
    expect(problemAt(problems, 'cameras[0].lines.door.from[1]')).toMatchObject({
      value: 288,
      message:
        "y = 288 is outside the frame: a line's ends are fractions of the frame from 0 to 1 (0, 0 is the top-left)",
      fix: "divide pixels by the frame's height, e.g. y 120 of 480 px is 0.25",
    });
    expect(problemAt(problems, 'cameras[0].lines.dot.to')).toMatchObject({
      message: "the line's ends are the same point [0.5, 0.5]: nothing can cross it",
    });
    expect(problemAt(problems, 'cameras[0].lines.gate.direction')).toBeDefined();
  });

  it('default to no lines, both directions and a reset at midnight', () => {
    const camera = { id: 'front', source: { kind: 'synthetic' as const } };
    expect(cameraSchema.parse(camera)).toMatchObject({ lines: {}, countsReset: 'midnight' });
    expect(
      cameraSchema.parse({ ...camera, lines: { door: { from: [0, 0.6], to: [1, 0.6] } } }),
    ).toMatchObject({
      lines: { door: { from: [0, 0.6], to: [1, 0.6], direction: 'both' } },
      countsReset: 'midnight',
    });
  });
});
