import { describe, expect, it } from 'vitest';
import { problemAt, problemsIn } from './fixtures.js';

describe('config problems with .inf and .nan', () => {
  it('say the number must be finite, and name what was received', async () => {
    const problems = await problemsIn('non-finite.yaml');
    expect(problemAt(problems, 'http.frameTimeout')).toMatchObject({
      value: Number.POSITIVE_INFINITY,
      message: 'expected a finite number > 0, received Infinity',
      fix: 'write a finite number > 0, e.g. frameTimeout: 10',
    });
    expect(problemAt(problems, 'cameras[0].threshold')).toMatchObject({
      message: 'expected a finite number from 0 to 1, received -Infinity',
    });
    expect(problemAt(problems, 'cameras[0].zones.door[1][0]')).toMatchObject({
      message: 'expected a finite number, received NaN (not a number)',
    });
  });
});
