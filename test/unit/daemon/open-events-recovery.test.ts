import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endEventsLeftOpen, type LeftOpenSink } from '../../../src/daemon/open-events-recovery.js';
import { OpenEventsStore } from '../../../src/daemon/open-events-store.js';
import type { PresenceEvent } from '../../../src/detection.js';
import { ManualClock } from '../time/manual-clock.js';

const context = { model: { name: 'signs', version: '1.0.0' }, image: { width: 640, height: 480 } };

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgecam-recovery-'));
  dir = join(root, 'open-events');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Records what recovery publishes, and the warnings it logs. */
function harness() {
  const ended: { camera: string; context: unknown; event: PresenceEvent }[] = [];
  const sink: LeftOpenSink = {
    endLeftOpen: async (camera, ctx, event) => {
      ended.push({ camera, context: ctx, event });
    },
  };
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  const unreadable = { count: 0, inc: () => unreadable.count++ };
  return { ended, warnings, unreadable, run: () => endEventsLeftOpen({ dir, sink, logger, unreadable }) };
}

/** What a run that dies leaves: a store with `labels` started and never ended. */
async function leftOpen(clock: ManualClock, camera: string, labels: string[]): Promise<OpenEventsStore> {
  const store = new OpenEventsStore({ dir, camera, context: () => context, clock, onError: () => {} });
  for (const [i, label] of labels.entries()) {
    const start: PresenceEvent = {
      type: 'start',
      label,
      frame: { seq: 10 + i, timestamp: clock.now() },
      score: 0.8,
      count: 1,
      startedAt: clock.now(),
    };
    await store.record(start, async () => {});
  }
  return store;
}

describe('ending the events an unclean stop left open', () => {
  it('publishes one end per open event, reason restart, its start time, ended when last known open', async () => {
    const clock = new ManualClock();
    const t0 = clock.now();
    const store = await leftOpen(clock, 'front', ['stop', 'yield']);
    await clock.advance(12_000); // two heartbeats, at +5 s and +10 s
    await store.close(); // the crash, at +12 s: the file stays as it is
    const h = harness();
    expect(await h.run()).toBe(2);
    expect(h.ended.map((e) => [e.camera, e.event.label, e.event.type, e.event.reason])).toEqual([
      ['front', 'stop', 'end', 'restart'],
      ['front', 'yield', 'end', 'restart'],
    ]);
    expect(h.ended[0]).toMatchObject({
      context,
      event: { startedAt: t0, count: 0, score: 0.8, frame: { seq: 10, timestamp: t0 + 10_000 } },
    });
    // Ended once: the file is gone, so a second start (clean this time) publishes nothing more.
    expect(await readdir(dir)).toEqual([]);
    const again = harness();
    expect(await again.run()).toBe(0);
    expect(again.ended).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  it('reads nothing and warns of nothing when there is no folder yet (a first start)', async () => {
    const h = harness();
    expect(await h.run()).toBe(0);
    expect([h.ended, h.warnings, h.unreadable.count]).toEqual([[], [], 0]);
  });

  it('logs one warning for a corrupt file, counts it, sets it aside and ends the other cameras', async () => {
    const clock = new ManualClock();
    await leftOpen(clock, 'back', ['stop']);
    await writeFile(join(dir, 'front.json'), '{"v":1,"camera":"front","events":[{"lab');
    const h = harness();
    expect(await h.run()).toBe(1);
    expect(h.ended.map((e) => e.camera)).toEqual(['back']);
    expect(h.unreadable.count).toBe(1);
    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toContain('front.json cannot be read');
    expect(await readdir(dir)).toEqual(['front.json.corrupt']);
    // Set aside: the next start neither warns again nor counts it again.
    const again = harness();
    await again.run();
    expect([again.warnings, again.unreadable.count]).toEqual([[], 0]);
  });

  it('takes a file of the wrong shape for a corrupt one', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'front.json'), JSON.stringify({ v: 1, camera: 'front', events: 'stop' }));
    const h = harness();
    expect(await h.run()).toBe(0);
    expect([h.ended, h.unreadable.count, h.warnings.length]).toEqual([[], 1, 1]);
  });

  it('reads the whole file beside a temp file that a crash cut short, and removes the temp file', async () => {
    const clock = new ManualClock();
    await leftOpen(clock, 'front', ['stop']);
    await writeFile(join(dir, 'front.json.tmp'), '{"v":1,"camera":"fr');
    await utimes(join(dir, 'front.json.tmp'), new Date(), new Date());
    const h = harness();
    expect(await h.run()).toBe(1);
    expect(h.ended.map((e) => e.event.label)).toEqual(['stop']);
    expect([h.unreadable.count, h.warnings]).toEqual([0, []]);
    expect(existsSync(join(dir, 'front.json.tmp'))).toBe(false);
  });
});

describe('when the outbox refuses an end', () => {
  it('keeps the events apart from the file the camera writes next, and ends them on the next start', async () => {
    const clock = new ManualClock();
    await leftOpen(clock, 'front', ['stop']);
    const refusing: LeftOpenSink = {
      endLeftOpen: async () => {
        throw new Error('the outbox is full');
      },
    };
    const logger = pino({ level: 'silent' });
    const unreadable = { inc: () => {} };
    expect(await endEventsLeftOpen({ dir, sink: refusing, logger, unreadable })).toBe(0);
    const kept = await readdir(dir);
    expect(kept).toEqual([expect.stringMatching(/^front\.unsent-\d+\.json$/)]);
    // The camera starts and opens a new event: its store writes front.json, beside the kept file.
    await leftOpen(clock, 'front', ['yield']);
    const { ended, run } = harness();
    expect(await run()).toBe(2);
    expect(ended.map((e) => `${e.camera} ${e.event.label} ${e.event.reason}`).sort()).toEqual([
      'front stop restart',
      'front yield restart',
    ]);
    expect(await readdir(dir)).toEqual([]);
  });
});
