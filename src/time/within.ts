import { type Clock, sleep } from './clock.js';

/**
 * Waits for `work` at most `ms`: 'done', 'timeout' (it keeps running), or the error it failed with.
 * @example if ((await within(publisher.stop(), 1000, clock)) === 'timeout') log.warn('...')
 */
export async function within(
  work: Promise<unknown>,
  ms: number,
  clock: Clock,
): Promise<'done' | 'timeout' | Error> {
  const timeout = new AbortController();
  let result: 'done' | 'timeout' | Error = 'timeout';
  const settled = work.then(
    () => {
      result = 'done';
    },
    (err: unknown) => {
      result = err instanceof Error ? err : new Error(String(err));
    },
  );
  await Promise.race([settled, sleep(clock, ms, timeout.signal)]);
  timeout.abort();
  return result;
}
