// Object events (events.level: object) across a crash: the store keeps each open object by its id
// with its path as of its last start or update, and the next start ends each with reason restart.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endEventsLeftOpen } from '../../../src/daemon/open-events-recovery.js';
import { OpenEventsStore, readOpenEvents } from '../../../src/daemon/open-events-store.js';
import type { CameraEvent, ObjectEvent } from '../../../src/detection.js';
import { PayloadWriter } from '../../../src/publish/payloads.js';
import { schemaErrors } from '../../integration/publish/schemas.js';
import { ManualClock } from '../time/manual-clock.js';

const context = { model: { name: 'signs', version: '1.0.0' }, image: { width: 640, height: 480 } };
const box = (x: number) => ({ x, y: 0.5, w: 0.1, h: 0.2 });

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgecam-open-objects-'));
  dir = join(root, 'open-events');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function object(
  type: ObjectEvent['type'],
  objectId: string,
  at: number,
  extra: Partial<ObjectEvent> = {},
): ObjectEvent {
  return {
    type,
    objectId,
    label: 'person',
    frame: { seq: at / 100, timestamp: at },
    score: 0.7,
    count: 1,
    startedAt: 1000,
    box: box(0.1),
    zones: ['yard'],
    path: { firstBox: box(0.05), lastBox: box(0.1), zones: ['yard'], bestScore: 0.7, bestBox: box(0.1) },
    ...extra,
  };
}

describe('open object events across a crash', () => {
  it('keeps each object by id with its latest path, ends each with reason restart and that path', async () => {
    const clock = new ManualClock();
    const store = new OpenEventsStore({
      dir,
      camera: 'front',
      context: () => context,
      clock,
      onError: () => {},
    });
    const publish = async () => {};
    // Two people open, a third started and ended; the first moved on and scored better since.
    await store.record(object('start', '3-1', 1000), publish);
    await store.record(object('start', '3-2', 1100, { startedAt: 1100, count: 2 }), publish);
    await store.record(object('start', '3-3', 1200, { startedAt: 1200, count: 3 }), publish);
    const path = {
      firstBox: box(0.05),
      lastBox: box(0.4),
      zones: ['yard', 'door'],
      bestScore: 0.9,
      bestBox: box(0.3),
    };
    await store.record(
      object('update', '3-1', 1500, { box: box(0.4), zones: ['door'], score: 0.9, changed: ['zones'], path }),
      publish,
    );
    await store.record(object('end', '3-3', 1600, { startedAt: 1200, reason: 'gone', count: 2 }), publish);
    const onDisk = await readOpenEvents(store.file);
    expect(onDisk.events.map((e) => [e.label, e.object?.id, e.seq, e.score])).toEqual([
      ['person', '3-1', 10, 0.9],
      ['person', '3-2', 11, 0.7],
    ]);
    await store.close(); // the crash: the file stays

    const ended: CameraEvent[] = [];
    const logger = pino({ level: 'silent' });
    const n = await endEventsLeftOpen({
      dir,
      sink: { endLeftOpen: async (_camera, _ctx, event) => void ended.push(event) },
      logger,
      unreadable: { inc() {} },
      // The run that died kept a snapshot of 3-1 only.
      snapshotOf: async (camera, id) => (id === '3-1' ? `/cameras/${camera}/objects/${id}.jpg` : undefined),
    });
    expect(n).toBe(2);
    expect(ended.map((e) => (e as ObjectEvent).snapshot)).toEqual([
      '/cameras/front/objects/3-1.jpg',
      undefined,
    ]);
    expect(ended).toMatchObject([
      {
        type: 'end',
        objectId: '3-1',
        reason: 'restart',
        count: 1,
        startedAt: 1000,
        box: box(0.4),
        zones: ['door'],
        path,
      },
      { type: 'end', objectId: '3-2', reason: 'restart', count: 0, startedAt: 1100 },
    ]);
    // Each is a valid v4 object end, and the file is gone.
    const writer = new PayloadWriter({ device: 'pi', camera: 'front', ...context });
    for (const event of ended)
      expect(schemaErrors('event', JSON.parse(writer.event('x', event)))).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keys label events and object events apart: a label event of the same name is not an object', async () => {
    const clock = new ManualClock();
    const store = new OpenEventsStore({
      dir,
      camera: 'front',
      context: () => context,
      clock,
      onError: () => {},
    });
    const label: CameraEvent = {
      type: 'start',
      label: 'person',
      frame: { seq: 1, timestamp: 1000 },
      score: 0.6,
      count: 1,
      startedAt: 1000,
    };
    await store.record(label, async () => {});
    await store.record(object('start', '3-1', 1000), async () => {});
    await store.record(object('end', '3-1', 1300, { reason: 'gone', count: 0 }), async () => {});
    const left = await readOpenEvents(store.file);
    expect(left.events).toEqual([{ label: 'person', startedAt: 1000, seq: 1, score: 0.6 }]);
    await store.close();
  });
});
