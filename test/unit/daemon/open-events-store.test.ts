import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HEARTBEAT_MS,
  OpenEventsStore,
  readOpenEvents,
  writeAtomically,
} from '../../../src/daemon/open-events-store.js';
import type { PresenceEvent } from '../../../src/detection.js';
import { ManualClock } from '../time/manual-clock.js';

const context = { model: { name: 'signs', version: '1.0.0' }, image: { width: 640, height: 480 } };

let dir: string;
let clock: ManualClock;
let errors: unknown[];

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'edgecam-open-events-')), 'open-events');
  clock = new ManualClock();
  errors = [];
});
afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

function store(): OpenEventsStore {
  return new OpenEventsStore({
    dir,
    camera: 'front',
    context: () => context,
    clock,
    onError: (err) => errors.push(err),
  });
}

const event = (
  type: PresenceEvent['type'],
  label: string,
  seq: number,
  startedAt: number,
): PresenceEvent => ({
  type,
  label,
  frame: { seq, timestamp: clock.now() },
  score: 0.75,
  count: type === 'end' ? 0 : 1,
  startedAt,
  ...(type === 'end' ? { reason: 'gone' as const } : {}),
});

/** The labels in the file now ([] when there is none). */
async function labelsOnDisk(s: OpenEventsStore): Promise<string[]> {
  if (!existsSync(s.file)) return [];
  return (await readOpenEvents(s.file)).events.map((e) => e.label);
}

describe('the open-events store', () => {
  it('round-trips the open set: a start is on disk before it is published, an end leaves it after', async () => {
    const s = store();
    const t0 = clock.now();
    const seenAtPublish: string[][] = [];
    const publish = async () => {
      seenAtPublish.push(await labelsOnDisk(s));
    };
    await s.record(event('start', 'stop', 3, t0), publish);
    await clock.advance(1000);
    await s.record(event('start', 'yield', 13, t0 + 1000), publish);
    const both = await readOpenEvents(s.file);
    expect(both).toEqual({
      v: 1,
      camera: 'front',
      ...context,
      savedAt: t0 + 1000,
      seenAt: t0 + 1000,
      events: [
        { label: 'stop', startedAt: t0, seq: 3, score: 0.75 },
        { label: 'yield', startedAt: t0 + 1000, seq: 13, score: 0.75 },
      ],
    });
    await s.record(event('end', 'stop', 20, t0), publish);
    expect(await labelsOnDisk(s)).toEqual(['yield']);
    await s.record(event('end', 'yield', 21, t0 + 1000), publish);
    // The last end leaves no file at all: the next start has nothing to end.
    expect(existsSync(s.file)).toBe(false);
    expect(seenAtPublish).toEqual([['stop'], ['stop', 'yield'], ['stop', 'yield'], ['yield']]);
    await s.close();
    expect(errors).toEqual([]);
  });

  it('writes only when the set changes: an update rewrites nothing', async () => {
    const s = store();
    const t0 = clock.now();
    await s.record(event('start', 'stop', 1, t0), async () => {});
    const before = await readFile(s.file, 'utf8');
    await clock.advance(1000);
    await s.record(event('update', 'stop', 2, t0), async () => {});
    expect(await readFile(s.file, 'utf8')).toBe(before);
    await s.close();
  });

  it('marks the open set as still open every heartbeat, and stops when it is empty or closed', async () => {
    const s = store();
    const t0 = clock.now();
    await s.record(event('start', 'stop', 1, t0), async () => {});
    const content = await readFile(s.file, 'utf8');
    await clock.advance(HEARTBEAT_MS);
    await s.idle();
    expect((await readOpenEvents(s.file)).seenAt).toBe(t0 + HEARTBEAT_MS);
    await clock.advance(HEARTBEAT_MS * 2);
    await s.idle();
    expect((await readOpenEvents(s.file)).seenAt).toBe(t0 + 3 * HEARTBEAT_MS);
    // The heartbeat moves the file's time, not its content.
    expect(await readFile(s.file, 'utf8')).toBe(content);
    await s.record(event('end', 'stop', 9, t0), async () => {});
    expect(clock.pending).toBe(0);
    await s.record(event('start', 'yield', 10, clock.now()), async () => {});
    expect(clock.pending).toBe(1);
    await s.close();
    expect(clock.pending).toBe(0);
    // Closing leaves the set as it is: what a stop did not end, the next start ends.
    expect(await labelsOnDisk(s)).toEqual(['yield']);
    expect(errors).toEqual([]);
  });

  it('keeps the previous file whole when a write fails, reports it, and still publishes', async () => {
    const s = store();
    const t0 = clock.now();
    await s.record(event('start', 'stop', 1, t0), async () => {});
    // The temp file's name is taken by a folder: the write fails before the rename.
    await mkdir(`${s.file}.tmp`);
    let published = false;
    await s.record(event('start', 'yield', 2, t0), async () => {
      published = true;
    });
    expect(published).toBe(true);
    expect(errors).toHaveLength(1);
    expect(await labelsOnDisk(s)).toEqual(['stop']);
    await s.close();
  });
});

describe('writeAtomically', () => {
  it('replaces a file whole and leaves no temp file', async () => {
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'x.json');
    await writeFile(file, 'old');
    await writeAtomically(file, 'new content');
    expect(await readFile(file, 'utf8')).toBe('new content');
    expect(await readdir(dir)).toEqual(['x.json']);
  });
});
