import { mkdtemp, rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PublisherChild, startChild } from './child.js';
import { freePort, type Mosquitto, noMosquitto, startMosquitto } from './mosquitto.js';
import { type Subscriber, subscribe } from './subscriber.js';

// A publisher process killed with SIGKILL, against Debian's mosquitto: nothing it promised is lost.
describe('a publisher killed with kill -9', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(({ skip }) => {
    if (noMosquitto !== undefined) skip(noMosquitto);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = <
    T extends { stop?: () => Promise<void>; close?: () => Promise<void>; kill9?: () => Promise<void> },
  >(
    thing: T,
  ): T => {
    cleanups.push(async () => {
      await (thing.kill9 ?? thing.close ?? thing.stop)?.call(thing);
    });
    return thing;
  };

  it('leaves the retained status "offline" (the last will)', async () => {
    const broker = track(await startMosquitto());
    const stateDir = await mkdtemp('/tmp/edgecam-state-');
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const child = track(startChild({ url: broker.url, stateDir, waitConnected: true }));
    await child.waitFor('connected');
    const watcher = track(await subscribe(broker.url, 'edgecam/child/status'));
    await watcher.waitFor((m) => m.payload.toString() === 'online' && m.retain);
    await child.kill9();
    await watcher.waitFor((m) => m.payload.toString() === 'offline');
    // A newcomer still reads it: it is retained.
    const late = track(await subscribe(broker.url, 'edgecam/child/status'));
    const status = await late.waitFor(() => true);
    expect(status.payload.toString()).toBe('offline');
    expect(status.retain).toBe(true);
  });

  it('delivers 1,000 events queued while the broker was down, after a kill -9 and a restart, in order, once each', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const stateDir = await mkdtemp('/tmp/edgecam-state-');
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));

    // 1. Broker down: the child queues 1,000 events in its outbox, then dies without warning.
    const first: PublisherChild = track(startChild({ url, stateDir, events: 1000 }));
    await first.waitFor('queued');
    await first.kill9();

    // 2. The broker comes up, a subscriber listens, and the restarted child delivers.
    const broker: Mosquitto = track(await startMosquitto({ port }));
    const events: Subscriber = track(await subscribe(broker.url, 'edgecam/child/front/events'));
    const second = track(startChild({ url, stateDir, waitDrained: true }));
    await second.waitFor('drained');
    const received = await events.waitForCount(() => true, 1000);

    const payloads = received.map(
      (m) => JSON.parse(m.payload.toString()) as { id: string; seq: number; label: string },
    );
    expect(payloads).toHaveLength(1000);
    expect(payloads.map((p) => p.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(payloads.map((p) => p.id)).size).toBe(1000);
  });
});
