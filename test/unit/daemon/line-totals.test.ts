// A camera's line totals: counted per line, direction and label, kept across a restart, reset by
// command and at local midnight (by the timer, or at the first count after a missed one).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CameraLineTotals, nextMidnight, startOfDay } from '../../../src/daemon/line-totals.js';
import type { LineCrossing } from '../../../src/detection.js';
import type { LineTotals } from '../../../src/publish/payloads.js';
import { ManualClock } from '../time/manual-clock.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'edgecam-totals-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const crossing = (line: string, direction: 'in' | 'out', label = 'person'): LineCrossing => ({
  line,
  objectId: '1-1',
  label,
  direction,
  frame: { seq: 1, timestamp: 0 },
});

/** Local noon of a day, so that midnight is 12 h away whatever the zone. */
const noon = startOfDay(Date.UTC(2026, 2, 10, 12)) + 12 * 3600_000;

function open(clock: ManualClock, reset: 'midnight' | 'never' = 'midnight') {
  const published: [string, LineTotals][] = [];
  const errors: unknown[] = [];
  const totals = CameraLineTotals.open({
    stateDir,
    camera: 'front',
    lines: ['door', 'gate'],
    reset,
    clock,
    publish: async (line, t) => void published.push([line, t]),
    onError: (err) => errors.push(err),
  });
  return { totals, published, errors };
}

describe('line totals', () => {
  it('counts per line, direction and label, publishing the line after each count', async () => {
    const clock = new ManualClock(noon);
    const { totals: opening, published, errors } = open(clock);
    const totals = await opening;
    await totals.add(crossing('door', 'in'));
    await totals.add(crossing('door', 'in'));
    await totals.add(crossing('door', 'out', 'dog'));
    await totals.add(crossing('elsewhere', 'in')); // not a line of this camera
    expect(totals.of('door')).toEqual({ since: noon, in: { person: 2 }, out: { dog: 1 } });
    expect(totals.of('gate')).toEqual({ since: noon, in: {}, out: {} });
    expect(published.map(([line, t]) => `${line} ${JSON.stringify(t.in)} ${JSON.stringify(t.out)}`)).toEqual([
      'door {"person":1} {}',
      'door {"person":2} {}',
      'door {"person":2} {"dog":1}',
    ]);
    await totals.close();
    expect(errors).toEqual([]);
  });

  it('survives a restart (the state directory), and a reset by command starts every line from 0', async () => {
    const clock = new ManualClock(noon);
    const first = await open(clock).totals;
    await first.add(crossing('gate', 'out'));
    await first.close();
    await clock.advance(60_000);
    const { totals: reopening, published } = open(clock);
    const again = await reopening;
    expect(again.of('gate')).toEqual({ since: noon, in: {}, out: { person: 1 } });
    await again.reset();
    expect(again.of('gate')).toEqual({ since: noon + 60_000, in: {}, out: {} });
    expect(published.map(([line]) => line)).toEqual(['door', 'gate']);
    await again.close();
    const onDisk = JSON.parse(await readFile(again.file, 'utf8'));
    expect(onDisk).toMatchObject({ since: noon + 60_000, lines: { gate: { in: {}, out: {} } } });
  });

  it('resets at local midnight with countsReset midnight, never with never', async () => {
    for (const reset of ['midnight', 'never'] as const) {
      await rm(join(stateDir, 'counts'), { recursive: true, force: true });
      const clock = new ManualClock(noon);
      const totals = await open(clock, reset).totals;
      await totals.add(crossing('door', 'in'));
      await clock.advance(nextMidnight(noon) - noon + 1000);
      const expected = reset === 'midnight' ? {} : { person: 1 };
      expect(totals.of('door')!.in, reset).toEqual(expected);
      if (reset === 'midnight') expect(totals.since).toBe(nextMidnight(noon));
      await totals.close();
      expect(clock.pending).toBe(0);
    }
  });

  it('starts from 0 when the totals kept are from an earlier day, or the file is not one', async () => {
    const clock = new ManualClock(noon);
    const yesterday = await open(new ManualClock(noon - 24 * 3600_000)).totals;
    await yesterday.add(crossing('door', 'in'));
    await yesterday.close();
    const today = await open(clock).totals;
    expect(today.of('door')).toEqual({ since: startOfDay(noon), in: {}, out: {} });
    await today.close();
    await mkdir(join(stateDir, 'counts'), { recursive: true });
    await writeFile(today.file, '{"v": 1, "lines": ');
    const { totals, errors } = open(clock, 'never');
    expect((await totals).of('door')).toEqual({ since: noon, in: {}, out: {} });
    expect(errors).toHaveLength(1);
    await (await totals).close();
  });

  it('resets at the first count after a midnight its timer missed (a clock set after it was armed)', async () => {
    const clock = new ManualClock(noon);
    const totals = await open(clock).totals;
    await totals.add(crossing('door', 'in'));
    // The wall clock jumps two days ahead (no timer fires in between, as after a boot's NTP sync).
    const jumped = noon + 2 * 24 * 3600_000;
    const late = new ManualClock(jumped);
    Object.defineProperty(clock, 'now', { value: () => late.now() });
    await totals.add(crossing('door', 'out'));
    expect(totals.of('door')).toEqual({ since: startOfDay(jumped), in: {}, out: { person: 1 } });
    await totals.close();
  });
});
