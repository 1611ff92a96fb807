import { expect, it } from 'vitest';
import { LatestInFlight } from '../../../src/daemon/latest-in-flight.js';

it('runs one at a time however many are offered, and the latest waiting one next', async () => {
  const started: number[] = [];
  const finish: (() => void)[] = [];
  let heard = 0;
  const slot = new LatestInFlight<number>(
    async (n) => {
      started.push(n);
      await new Promise<void>((resolve) => finish.push(resolve));
    },
    (err) => {
      throw err;
    },
    () => heard++,
  );
  for (let n = 0; n < 10_000; n++) slot.offer(n);
  // One in flight, one waiting: the memory a flood costs does not grow with it.
  expect(started).toEqual([0]);
  expect(slot.busy).toBe(true);
  expect(slot.replaced).toBe(9_998);
  expect(heard).toBe(9_998);
  finish.shift()!();
  await until(() => started.length === 2);
  expect(started).toEqual([0, 9_999]);
  finish.shift()!();
  await until(() => !slot.busy);
  slot.offer(10_000);
  expect(started).toEqual([0, 9_999, 10_000]);
  finish.shift()!();
});

it('goes on with the next after a run that failed', async () => {
  const started: number[] = [];
  const failures: unknown[] = [];
  const slot = new LatestInFlight<number>(
    async (n) => {
      started.push(n);
      if (n === 0) throw new Error('encode failed');
    },
    (err) => failures.push(err),
  );
  slot.offer(0);
  slot.offer(1);
  await until(() => started.length === 2 && !slot.busy);
  expect(started).toEqual([0, 1]);
  expect(failures).toMatchObject([{ message: 'encode failed' }]);
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
