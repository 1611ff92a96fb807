import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/cli/progress.js';

function recorder(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (t: string) => out.push(t) } };
}

describe('createProgress', () => {
  it('writes plain lines at most every lineEveryMs off a terminal, and always the last one', () => {
    const { out, stream } = recorder(false);
    let t = 0;
    const p = createProgress('evaluating', { stream, now: () => t, lineEveryMs: 1000 });
    for (let done = 1; done <= 10; done++) {
      t = done * 300;
      p.update(done, 10);
    }
    p.finish();
    expect(out).toEqual([
      'evaluating: 1/10 (10%), 3.3/s, 3 s left\n',
      'evaluating: 5/10 (50%), 3.3/s, 2 s left\n',
      'evaluating: 9/10 (90%), 3.3/s, 1 s left\n',
      'evaluating: 10/10 (100%), 3.3/s, 3.0 s\n',
    ]);
  });

  it('redraws a bar in place on a terminal and ends it with a newline', () => {
    const { out, stream } = recorder(true);
    let t = 0;
    const p = createProgress('calibrating', { stream, now: () => t });
    t = 1000;
    p.update(1, 2);
    t = 2000;
    p.update(2, 2);
    p.finish();
    expect(out[0]).toMatch(/^\rcalibrating \[#{15}-{15}\] 1\/2 \(50%\)/);
    expect(out[1]).toMatch(/^\rcalibrating \[#{30}\] 2\/2 \(100%\)/);
    expect(out[2]).toBe('\n');
  });
});
