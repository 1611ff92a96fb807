import { describe, expect, it } from 'vitest';
import { sleep, systemClock } from '../../../src/time/clock.js';
import { ManualClock } from './manual-clock.js';

/** Timers that keep this process alive (unref'd ones are not listed). */
const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('systemClock', () => {
  it('does not hold the process open for a pending timer, unless asked to', () => {
    const before = liveTimers();
    const cancelRetry = systemClock.setTimeout(() => {}, 60_000);
    expect(liveTimers()).toBe(before);
    const cancelWait = systemClock.setTimeout(() => {}, 60_000, { keepAlive: true });
    expect(liveTimers()).toBe(before + 1);
    cancelWait();
    cancelRetry();
    expect(liveTimers()).toBe(before);
  });

  it('holds the process open while a sleep is awaited', async () => {
    const before = liveTimers();
    const stop = new AbortController();
    const slept = sleep(systemClock, 60_000, stop.signal);
    expect(liveTimers()).toBe(before + 1);
    stop.abort();
    await slept;
    expect(liveTimers()).toBe(before);
  });
});

describe('sleep', () => {
  it('resolves after the time on the clock, or at once on abort, leaving no timer behind', async () => {
    const clock = new ManualClock();
    let woke = false;
    const slept = sleep(clock, 1000, new AbortController().signal).then(() => {
      woke = true;
    });
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await slept;
    expect(woke).toBe(true);

    const stop = new AbortController();
    const aborted = sleep(clock, 1000, stop.signal);
    expect(clock.pending).toBe(1);
    stop.abort();
    await aborted;
    expect(clock.pending).toBe(0);
  });
});
