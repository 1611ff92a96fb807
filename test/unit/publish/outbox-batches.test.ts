import { describe, expect, it } from 'vitest';
import { type BatchOp, BatchQueue } from '../../../src/publish/outbox-batches.js';

const put = (key: string): BatchOp => ({ type: 'put', key, value: Buffer.from(key) });

/** A commit that records each batch and finishes when the test says so. */
function recorder(fail?: (ops: BatchOp[]) => Error | undefined) {
  const batches: string[][] = [];
  const finishes: (() => void)[] = [];
  const commit = (ops: BatchOp[]) =>
    new Promise<Error | undefined>((resolve) => {
      batches.push(ops.map((op) => op.key));
      finishes.push(() => resolve(fail?.(ops)));
    });
  const finishNext = async () => {
    while (finishes.length === 0) await new Promise((r) => setImmediate(r));
    finishes.shift()!();
  };
  return { batches, commit, finishNext };
}

describe('the outbox batch queue', () => {
  it('writes what was queued during a batch together in the next one, one batch at a time', async () => {
    const { batches, commit, finishNext } = recorder();
    const queue = new BatchQueue(commit, () => {});
    queue.push(put('a'));
    const first = queue.flush();
    queue.push(put('b'));
    const second = queue.flush();
    queue.push(put('c'));
    const third = queue.flush();
    await finishNext();
    await first;
    await finishNext();
    await Promise.all([second, third]);
    expect(batches).toEqual([['a'], ['b', 'c']]);
    expect(queue.length).toBe(0);
  });

  it("rejects only the failed batch's flushes, and reports a failure nobody waited for", async () => {
    const failure = new Error('disk on fire');
    const { commit, finishNext } = recorder((ops) => (ops[0]!.key === 'bad' ? failure : undefined));
    const unclaimed: Error[] = [];
    const queue = new BatchQueue(commit, (err) => unclaimed.push(err));
    queue.push(put('bad'));
    const failed = queue.flush();
    await finishNext();
    await expect(failed).rejects.toBe(failure);
    queue.push(put('good'));
    const ok = queue.flush();
    await finishNext();
    await expect(ok).resolves.toBeUndefined();
    expect(unclaimed).toEqual([]);

    // Ops the running write loop picks up with no flush waiting for them (a delete queued while a
    // batch is being written): their failure is reported, not lost.
    queue.push(put('good'));
    const running = queue.flush();
    queue.push({ type: 'del', key: 'bad' });
    await finishNext();
    await running;
    await finishNext();
    await queue.idle();
    expect(unclaimed).toEqual([failure]);
  });

  it('puts ops ahead of and behind what is queued, and resolves a flush of nothing at once', async () => {
    const { batches, commit, finishNext } = recorder();
    const queue = new BatchQueue(commit, () => {});
    await queue.flush();
    expect(batches).toEqual([]);
    queue.push(put('b'));
    queue.surround([put('a')], [{ type: 'del', key: 'z' }]);
    const done = queue.flush();
    await finishNext();
    await done;
    expect(batches).toEqual([['a', 'b', 'z']]);
  });
});
