import { mkdtemp, rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { PresenceEvent } from '../../../src/detection.js';
import { MqttPublisher } from '../../../src/publish/publisher.js';
import { schemaErrors } from './schemas.js';
import { subscribe } from './subscriber.js';

// The end of an event a crashed run left open, through the outbox and the embedded broker.
const open: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

const left: PresenceEvent = {
  type: 'end',
  label: 'stop',
  frame: { seq: 41, timestamp: Date.UTC(2025, 0, 2, 3, 4, 5) },
  score: 0.8,
  count: 0,
  startedAt: Date.UTC(2025, 0, 2, 3, 4, 0),
  reason: 'restart',
};

it('publishes it for a camera not registered, under the head it started with, with an id the event decides', async () => {
  const stateDir = await mkdtemp('/tmp/edgecam-state-');
  open.push(() => rm(stateDir, { recursive: true, force: true }));
  const config = configSchema.parse({
    device: 'pi',
    stateDir,
    mqtt: { broker: { port: 0 }, homeAssistant: { enabled: false } },
  });
  const publisher = await MqttPublisher.start({ config });
  open.push(() => publisher.stop());
  const sub = await subscribe(publisher.url, 'edgecam/pi/+/events');
  open.push(() => sub.close());
  const context = { model: { name: 'signs', version: '0.9.0' }, image: { width: 320, height: 240 } };
  const first = await publisher.endLeftOpen('gone', context, left);
  // The same end again (a crash before its record was removed) is a redelivery: the same id.
  const again = await publisher.endLeftOpen('gone', context, left);
  const other = await publisher.endLeftOpen('gone', context, { ...left, label: 'yield' });
  expect(again).toBe(first);
  expect(other).not.toBe(first);
  const received = await sub.waitForCount(() => true, 3);
  const payload = JSON.parse(received[0]!.payload.toString());
  expect(received[0]!.topic).toBe('edgecam/pi/gone/events');
  expect(schemaErrors('event', payload)).toEqual([]);
  expect(payload).toMatchObject({
    v: 4,
    level: 'label',
    id: first,
    camera: 'gone',
    ...context,
    type: 'end',
    reason: 'restart',
    durationMs: 5000,
  });
});
