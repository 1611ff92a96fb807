/**
 * Median milliseconds per call of `fn` after warm-up, running until `budgetMs` is spent (at least
 * 15 runs, at most 500). Medians, because small shared machines are noisy.
 * @example const ms = await medianMs(() => plan.run(frame))
 */
export async function medianMs(fn: () => unknown, budgetMs = 400): Promise<number> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 500 && (performance.now() - start < budgetMs || times.length < 15)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * The middle value of `values` (the upper of the two middles when their number is even), as every
 * bench reports its noisy samples.
 * @example median([3, 1, 2, 4]) // 3
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
