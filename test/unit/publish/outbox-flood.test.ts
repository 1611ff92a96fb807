import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { Outbox } from '../../../src/publish/outbox.js';
import { folderBytes } from '../../../src/publish/outbox-disk.js';

// A flood of snapshots (what thousands of snapshot commands once became) among a few events, on
// a real LevelDB store: the events all stay, the snapshots give way, and the bounds hold on disk.
const dirs: string[] = [];
const boxes: Outbox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const limits = { maxMessages: 1000, maxBytes: 256 << 10 };
/** LevelDB's log (a sixteenth of maxBytes, at least 64 KiB) and its tables' keys and indexes. */
const diskBound = limits.maxBytes * 1.5;

it('keeps every event through a flood of snapshots, one snapshot per topic, and maxBytes on disk', async () => {
  const dir = await mkdtemp('/tmp/edgecam-outbox-flood-');
  dirs.push(dir);
  const box = await Outbox.open(dir, limits);
  boxes.push(box);
  const refused: string[] = [];
  box.onDiscard = (kind, reason) => refused.push(`${kind}:${reason}`);
  // JPEG bytes do not compress; neither do random ones.
  const jpeg = randomBytes(20_000);
  const events: number[] = [];
  for (let i = 0; i < 400; i += 20) {
    const appends: Promise<number>[] = [];
    for (let j = i; j < i + 20; j++) {
      const camera = j % 2 === 0 ? 'front' : 'back';
      appends.push(
        box.append({ topic: `edgecam/pi/${camera}/snapshot`, payload: jpeg, retain: true, droppable: true }),
      );
    }
    events.push(await box.append({ topic: 'edgecam/pi/front/events', payload: `{"n":${i}}`, retain: false }));
    await Promise.all(appends);
  }
  // 20 events and the latest snapshot of each camera wait; nothing else.
  const waiting = await box.readAfter(-1, 10_000);
  expect(waiting.filter((e) => !e.droppable).map((e) => e.seq)).toEqual(events);
  expect(waiting.filter((e) => e.droppable).map((e) => e.topic)).toEqual([
    'edgecam/pi/front/snapshot',
    'edgecam/pi/back/snapshot',
  ]);
  expect(box.dropped).toBe(0);
  expect(refused.filter((r) => r.startsWith('events'))).toEqual([]);
  expect(box.discarded.superseded).toBe(398);
  await box.sizeChecked();
  // Closed first: LevelDB compacts in its own threads, and a folder read mid-compaction holds old
  // and new tables at once (on emulated arm64 it read 1 KB over the bound); close waits for them.
  await box.close();
  expect(await folderBytes(dir)).toBeLessThanOrEqual(diskBound);
});

it('keeps the bounds on disk while entries come and go (delivered) far past maxBytes', async () => {
  const dir = await mkdtemp('/tmp/edgecam-outbox-flood-');
  dirs.push(dir);
  const box = await Outbox.open(dir, limits);
  boxes.push(box);
  const payload = randomBytes(4_000);
  for (let i = 0; i < 1000; i += 10) {
    const appends: Promise<number>[] = [];
    for (let j = 0; j < 10; j++)
      appends.push(box.append({ topic: 'edgecam/pi/front/events', payload, retain: false }));
    // Delivered after a lag of 50 (the broker acknowledges as it goes).
    for (const seq of await Promise.all(appends)) if (seq >= 50) box.remove(seq - 50);
  }
  expect(box.depth).toBe(50);
  await box.sizeChecked();
  await box.close();
  // 4 MB went through a 256 KiB outbox.
  expect(await folderBytes(dir)).toBeLessThanOrEqual(diskBound);
});
