import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { DELETE_DELAY_MS, Outbox, type OutboxEntry } from '../../../src/publish/outbox.js';
import { OutboxPump } from '../../../src/publish/outbox-pump.js';
import { writeBufferSize } from '../../../src/publish/outbox-store.js';

const dirs: string[] = [];
const boxes: Outbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openBox(limits = { maxMessages: 100, maxBytes: 1 << 20 }, dir?: string) {
  const at = dir ?? (await mkdtemp('/tmp/edgecam-outbox-'));
  if (dir === undefined) dirs.push(at);
  const box = await Outbox.open(at, limits);
  boxes.push(box);
  return { box, dir: at };
}

const message = (i: number) => ({ topic: `t/${i}`, payload: `payload ${i}`, retain: i % 2 === 0 });

describe('Outbox', () => {
  it('keeps messages in order across a close and reopen, with topic, bytes and retain flag', async () => {
    const { box, dir } = await openBox();
    await Promise.all([0, 1, 2].map((i) => box.append(message(i))));
    await box.append({ topic: 'snap', payload: Buffer.from([0xff, 0xd8, 0, 1]), retain: true });
    box.remove(1);
    await box.close();
    boxes.pop();
    const { box: again } = await openBox(undefined, dir);
    expect(again.depth).toBe(3);
    const entries = await again.readAfter(-1, 10);
    expect(entries.map((e) => [e.seq, e.topic, e.retain])).toEqual([
      [0, 't/0', true],
      [2, 't/2', true],
      [3, 'snap', true],
    ]);
    expect([...entries[2]!.payload]).toEqual([0xff, 0xd8, 0, 1]);
    expect(await again.readAfter(0, 1)).toMatchObject([{ seq: 2 }]);
    // New entries continue the sequence after the old ones.
    expect(await again.append(message(9))).toBe(4);
  });

  it('drops the oldest past maxMessages and past maxBytes, and counts them', async () => {
    const dropped: number[] = [];
    const { box } = await openBox({ maxMessages: 3, maxBytes: 1 << 20 });
    box.onDrop = (n) => dropped.push(n);
    for (let i = 0; i < 5; i++) await box.append(message(i));
    expect(box.depth).toBe(3);
    expect(box.dropped).toBe(2);
    expect(dropped).toEqual([1, 1]);
    expect((await box.readAfter(-1, 10)).map((e) => e.topic)).toEqual(['t/2', 't/3', 't/4']);

    const { box: small } = await openBox({ maxMessages: 100, maxBytes: 1024 });
    await small.append({ topic: 'a', payload: Buffer.alloc(600), retain: false });
    await small.append({ topic: 'b', payload: Buffer.alloc(600), retain: false });
    expect(small.depth).toBe(1);
    expect(small.bytes).toBeLessThanOrEqual(1024);
    expect((await small.readAfter(-1, 10)).map((e) => e.topic)).toEqual(['b']);
  });

  it('reads what it wrote from memory, what an earlier run wrote (or past 8 MB) from disk, with the same result', async () => {
    const { box, dir } = await openBox({ maxMessages: 100, maxBytes: 64 << 20 });
    const iterator = vi.spyOn((box as unknown as { db: { iterator: () => unknown } }).db, 'iterator');
    for (let i = 0; i < 4; i++) await box.append(message(i));
    box.remove(1);
    const fromMemory = await box.readAfter(-1, 10);
    expect(fromMemory.map((e) => e.seq)).toEqual([0, 2, 3]);
    expect((await box.readAfter(0, 1)).map((e) => e.seq)).toEqual([2]);
    expect(iterator).not.toHaveBeenCalled();
    // Past the memory bound the oldest go to disk only: a read from before them goes there.
    const big = (i: number) => ({ topic: `big/${i}`, payload: Buffer.alloc(3 << 20, i), retain: false });
    for (let i = 4; i < 8; i++) await box.append(big(i));
    expect((await box.readAfter(5, 10)).map((e) => e.seq)).toEqual([6, 7]);
    expect(iterator).not.toHaveBeenCalled();
    const mixed = await box.readAfter(-1, 10);
    expect(iterator).toHaveBeenCalled();
    expect(mixed.map((e) => e.seq)).toEqual([0, 2, 3, 4, 5, 6, 7]);
    await box.close();
    boxes.pop();
    const { box: again } = await openBox({ maxMessages: 100, maxBytes: 64 << 20 }, dir);
    const fromDisk = await again.readAfter(-1, 3);
    expect(fromDisk).toEqual(fromMemory);
    expect(fromDisk.map((e) => [e.topic, e.payload.toString(), e.retain])).toEqual([
      ['t/0', 'payload 0', true],
      ['t/2', 'payload 2', true],
      ['t/3', 'payload 3', false],
    ]);
  });

  it("holds at most 512 KB of writes in LevelDB's memory: past it, they go to a table file", async () => {
    const { box, dir } = await openBox({ maxMessages: 100, maxBytes: 64 << 20 });
    expect(writeBufferSize({ maxMessages: 100, maxBytes: 64 << 20 })).toBe(512 << 10);
    // 1.5 MB of snapshots, under LevelDB's 4 MB default write buffer.
    const snapshot = (i: number) => ({ topic: `snap/${i}`, payload: Buffer.alloc(50_000, i), retain: true });
    for (let i = 0; i < 30; i++) await box.append(snapshot(i));
    // Closing waits for LevelDB's background writes.
    await box.close();
    boxes.pop();
    expect((await readdir(dir)).filter((f) => f.endsWith('.ldb')).length).toBeGreaterThan(0);
    const { box: again } = await openBox({ maxMessages: 100, maxBytes: 64 << 20 }, dir);
    expect((await again.readAfter(-1, 100)).map((e) => e.payload[0])).toEqual([...Array(30).keys()]);
  });

  it('writes deletes together after DELETE_DELAY_MS, or with the next append, and at close', async () => {
    const { box, dir } = await openBox();
    for (let i = 0; i < 6; i++) await box.append(message(i));
    const batch = vi.spyOn(
      (box as unknown as { db: { batch: (ops: { type: string }[]) => unknown } }).db,
      'batch',
    );
    const kinds = () =>
      batch.mock.calls.map((call) => (call[0] as { type: string }[]).map((op) => op.type).join(','));
    box.remove(0);
    box.remove(1);
    box.remove(2);
    expect(batch).not.toHaveBeenCalled();
    // Written when DELETE_DELAY_MS has passed: waited for, since a busy machine runs timers late.
    await until(() => batch.mock.calls.length > 0);
    expect(kinds()).toEqual(['del,del,del']);
    box.remove(3);
    await box.append(message(6));
    expect(kinds()).toEqual(['del,del,del', 'put,del']);
    // The delay ends with nothing left to write; writing goes on as before. (A timer due later
    // than the delete's fires after it, however late both are.)
    await new Promise((resolve) => setTimeout(resolve, DELETE_DELAY_MS + 100));
    await box.append(message(7));
    box.remove(7);
    box.remove(4);
    await box.close();
    boxes.pop();
    const { box: again } = await openBox(undefined, dir);
    expect((await again.readAfter(-1, 10)).map((e) => e.seq)).toEqual([5, 6]);
  });

  it('refuses a state directory another process (or outbox) holds, with EDGECAM_ERR_STATE_DIR', async () => {
    const { dir } = await openBox();
    let error: unknown;
    try {
      await Outbox.open(dir, { maxMessages: 10, maxBytes: 1 << 20 });
    } catch (err) {
      error = err;
    }
    expect(isEdgecamError(error, 'EDGECAM_ERR_STATE_DIR')).toBe(true);
    expect((error as Error).message).toMatch(
      /cannot open the outbox in .*: another edgecam process is using it/,
    );
  });
});

describe('OutboxPump', () => {
  it('sends in order within its window, and removes only what was acknowledged', async () => {
    const { box } = await openBox();
    for (let i = 0; i < 10; i++) await box.append(message(i));
    const pump = new OutboxPump(box, 4);
    const pending: { entry: OutboxEntry; done: (err?: Error) => void }[] = [];
    pump.resume((entry, done) => pending.push({ entry, done }));
    await until(() => pending.length === 4);
    expect(pump.inflight).toBe(4);
    expect(pending.map((p) => p.entry.topic)).toEqual(['t/0', 't/1', 't/2', 't/3']);
    for (const p of pending.splice(0, 2)) p.done();
    await until(() => pending.length === 4);
    expect(pending.map((p) => p.entry.topic)).toEqual(['t/2', 't/3', 't/4', 't/5']);
    expect(box.depth).toBe(8);

    // The connection drops: unacknowledged entries go again, first, after resume.
    pump.pause();
    pending.splice(0);
    const resent: string[] = [];
    pump.resume((entry, done) => {
      resent.push(entry.topic);
      done();
    });
    await pump.idle();
    expect(resent).toEqual(['t/2', 't/3', 't/4', 't/5', 't/6', 't/7', 't/8', 't/9']);
    expect(box.depth).toBe(0);
  });

  it('drops and reports an entry the broker refuses for good (MQTT 5 reason code), and keeps going', async () => {
    const { box } = await openBox();
    await box.append(message(0));
    await box.append(message(1));
    const rejected: string[] = [];
    const pump = new OutboxPump(box, 8, { rejected: (entry) => rejected.push(entry.topic) });
    pump.resume((entry, done) =>
      done(entry.topic === 't/0' ? Object.assign(new Error('Not authorized'), { code: 0x87 }) : undefined),
    );
    await pump.idle();
    expect(rejected).toEqual(['t/0']);
    expect(box.depth).toBe(0);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
