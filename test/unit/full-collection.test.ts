import { constants, PerformanceObserver } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectPeriodically } from '../../src/heap-growth.js';

/** Counts the major collections of this thread while `during` runs. */
async function majorCollections(during: () => Promise<void>): Promise<number> {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await during();
  // Entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return count;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('collectPeriodically', () => {
  afterEach(() => {
    delete (globalThis as { gc?: unknown }).gc;
  });

  it('runs a full collection at once and every interval, and no more once stopped', async () => {
    let stop = () => {};
    const running = await majorCollections(async () => {
      stop = collectPeriodically(25);
      await sleep(140);
      stop();
    });
    expect(running).toBeGreaterThanOrEqual(3);
    const stopped = await majorCollections(() => sleep(100));
    expect(stopped).toBe(0);
  });

  it('uses the gc that node --expose-gc gives, when there is one', async () => {
    const gc = vi.fn();
    (globalThis as { gc?: unknown }).gc = gc;
    const stop = collectPeriodically(10);
    expect(gc).toHaveBeenCalledTimes(1);
    await sleep(55);
    stop();
    expect(gc.mock.calls.length).toBeGreaterThanOrEqual(3);
  });
});
