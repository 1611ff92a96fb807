import { afterEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:v8')>()),
  setFlagsFromString,
}));

const { HEAP_GROWING_PERCENT, useFixedHeapGrowth } = await import('../../src/heap-growth.js');

describe('useFixedHeapGrowth', () => {
  afterEach(() => setFlagsFromString.mockClear());

  it('fixes V8 heap growing factor unless the command line chose one', () => {
    useFixedHeapGrowth(['--max-semi-space-size=2']);
    expect(setFlagsFromString).toHaveBeenCalledWith(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    setFlagsFromString.mockClear();
    useFixedHeapGrowth(['--heap-growing-percent=50']);
    useFixedHeapGrowth(['--heap_growing_percent=0']);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
