import { constants, PerformanceObserver } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectPeriodically } from '../../src/heap-growth.js';

/** Counts the major collections of this thread from now until the returned stop is called. */
function countMajorCollections(): { count: () => number; stop: () => Promise<number> } {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    count: () => count,
    async stop() {
      // Entries are delivered asynchronously.
      await new Promise((resolve) => setTimeout(resolve, 20));
      observer.disconnect();
      return count;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds (the test's timeout catches it never holding). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

/**
 * Resolves after `n` ticks of an interval of `ms` on this thread: that many of the collector's
 * intervals have passed however slowly the machine runs, which a fixed sleep does not promise.
 */
function intervals(n: number, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks < n) return;
      clearInterval(timer);
      resolve();
    }, ms);
  });
}

describe('collectPeriodically', () => {
  afterEach(() => {
    delete (globalThis as { gc?: unknown }).gc;
  });

  it('runs a full collection at once and every interval, and no more once stopped', async () => {
    const running = countMajorCollections();
    const stop = collectPeriodically(25);
    // The one at once and two on the interval (waited for: on a busy machine they come late).
    await until(() => running.count() >= 3);
    stop();
    await running.stop();
    const stopped = countMajorCollections();
    await intervals(4, 25);
    expect(await stopped.stop()).toBe(0);
  });

  it('uses the gc that node --expose-gc gives, when there is one', async () => {
    const gc = vi.fn();
    (globalThis as { gc?: unknown }).gc = gc;
    const stop = collectPeriodically(10);
    expect(gc).toHaveBeenCalledTimes(1);
    await until(() => gc.mock.calls.length >= 3);
    stop();
    const calls = gc.mock.calls.length;
    await intervals(3, 10);
    expect(gc.mock.calls.length).toBe(calls);
  });
});
