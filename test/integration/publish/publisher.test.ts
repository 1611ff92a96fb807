import { mkdtemp, rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigInput, configSchema } from '../../../src/config/schema.js';
import { isEdgecamError } from '../../../src/errors.js';
import { MqttPublisher, type PublisherOptions } from '../../../src/publish/publisher.js';
import { noStats } from '../../../src/publish/stats.js';
import type { Clock } from '../../../src/time/clock.js';
import {
  type Certs,
  type Mosquitto,
  makeCerts,
  noMosquitto,
  noOpenssl,
  startMosquitto,
} from './mosquitto.js';
import { schemaErrors } from './schemas.js';
import { type Subscriber, subscribe } from './subscriber.js';

// The publisher against Debian's mosquitto with a password file and a TLS listener.
const USER = 'camera';
const PASSWORD = 'correct horse';
const model = { name: 'signs', version: '1.2.0' };
const image = { width: 640, height: 480 };

let certs: Certs;
let broker: Mosquitto;
let certDir: string;
const open: (() => Promise<unknown>)[] = [];

// The broker with a password file and a TLS listener: mosquitto, and openssl for its certificates.
// Without either, the tests against it are skipped (the embedded broker's are not).
const noBroker = noMosquitto ?? noOpenssl;
const skipWithoutBroker = ({ skip }: { skip: (note: string) => void }) => {
  if (noBroker !== undefined) skip(noBroker);
};

beforeAll(async () => {
  certDir = await mkdtemp('/tmp/edgecam-certs-');
  if (noBroker !== undefined) return;
  certs = await makeCerts(certDir);
  broker = await startMosquitto({ users: { [USER]: PASSWORD, watcher: 'watcher' }, certs });
});
afterAll(async () => {
  await broker?.stop();
  await rm(certDir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp('/tmp/edgecam-state-');
  open.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startPublisher(
  mqtt: ConfigInput['mqtt'],
  extra: Partial<PublisherOptions> = {},
  device = 'pi',
): Promise<MqttPublisher> {
  const config = configSchema.parse({ device, stateDir: await stateDir(), mqtt });
  const publisher = await MqttPublisher.start({ config, ...extra });
  open.push(() => publisher.stop());
  return publisher;
}

async function watch(topics: string | string[]): Promise<Subscriber> {
  const sub = await subscribe(broker.url, topics, { username: 'watcher', password: 'watcher' });
  open.push(() => sub.close());
  return sub;
}

const tlsUrl = () => `mqtts://127.0.0.1:${broker.tlsPort}`;
const json = (buf: Buffer) => JSON.parse(buf.toString()) as Record<string, unknown>;

/** A clock whose timers run only when the test says so; it records every delay asked for. */
function manualClock(): Clock & { delays: number[]; runNext(): void } {
  const pending: { callback: () => void }[] = [];
  const delays: number[] = [];
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const timer = { callback };
      pending.push(timer);
      delays.push(ms);
      return () => {
        const i = pending.indexOf(timer);
        if (i >= 0) pending.splice(i, 1);
      };
    },
    delays,
    runNext() {
      pending.shift()?.callback();
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('MqttPublisher against mosquitto (TLS, password)', () => {
  beforeEach(skipWithoutBroker);
  it('publishes no per-frame messages when detections are disabled, but still the events', async () => {
    const sub = await watch('edgecam/quiet/#');
    const publisher = await startPublisher(
      {
        url: broker.url,
        username: USER,
        password: PASSWORD,
        detections: { enabled: false },
        homeAssistant: { enabled: false },
      },
      {},
      'quiet',
    );
    await publisher.whenConnected();
    expect(publisher.brokerIsEmbedded).toBe(false);
    const front = publisher.camera('front', { model, image, labels: ['stop'] });
    const frame = { seq: 1, timestamp: Date.now() };
    expect(front.detections(frame, [{ label: 'stop', classId: 0, score: 0.9 }], 3)).toBe(false);
    expect(front.classification(frame, [{ label: 'stop', classId: 0, score: 0.9 }], 3)).toBe(false);
    await front.event({
      type: 'start',
      label: 'stop',
      frame,
      score: 0.9,
      count: 1,
      startedAt: frame.timestamp,
    });
    await sub.waitFor((m) => m.topic === 'edgecam/quiet/front/events');
    expect(sub.messages.filter((m) => /\/(detections|classification)$/.test(m.topic))).toEqual([]);
  });

  it('publishes at most maxRate detection messages a second', async () => {
    const sub = await watch('edgecam/rate/front/detections');
    const publisher = await startPublisher(
      {
        url: broker.url,
        username: USER,
        password: PASSWORD,
        detections: { maxRate: 1 },
        homeAssistant: { enabled: false },
      },
      {},
      'rate',
    );
    await publisher.whenConnected();
    const front = publisher.camera('front', { model, image, labels: ['stop'] });
    const sent = Array.from({ length: 5 }, (_, seq) =>
      front.detections({ seq, timestamp: Date.now() }, [], 1),
    );
    expect(sent).toEqual([true, false, false, false, false]);
    await sub.waitFor((m) => m.topic === 'edgecam/rate/front/detections');
  });

  it('names the new model in the payloads of a camera added again with another model', async () => {
    const sub = await watch('edgecam/remodel/front/detections');
    const mqtt = { url: broker.url, username: USER, password: PASSWORD, homeAssistant: { enabled: false } };
    const publisher = await startPublisher(mqtt, {}, 'remodel');
    await publisher.whenConnected();
    publisher.camera('front', { model, image, labels: ['stop'] });
    // A reload that restarts the camera with another model and frame size adds it again.
    const again = publisher.camera('front', {
      model: { name: 'signs', version: '3.0.0' },
      image: { width: 320, height: 240 },
      labels: ['stop', 'yield'],
    });
    expect(again.labels).toEqual(['stop', 'yield']);
    expect(again.detections({ seq: 1, timestamp: Date.now() }, [], 1)).toBe(true);
    const message = await sub.waitFor(() => true);
    expect(json(message.payload)).toMatchObject({
      model: { name: 'signs', version: '3.0.0' },
      image: { width: 320, height: 240 },
    });
  });

  it("takes a reloaded config's per-frame limits for a camera it already has", async () => {
    const mqtt = { url: broker.url, username: USER, password: PASSWORD, homeAssistant: { enabled: false } };
    const publisher = await startPublisher({ ...mqtt, detections: { maxRate: 1 } }, {}, 'relimit');
    await publisher.whenConnected();
    const front = publisher.camera('front', { model, image, labels: ['stop'] });
    const burst = () =>
      Array.from({ length: 3 }, (_, seq) => front.detections({ seq, timestamp: Date.now() }, [], 1));
    expect(burst()).toEqual([true, false, false]);
    // maxRate 0 is "no limit": every frame's message goes out.
    front.setLimits(configSchema.parse({ mqtt: { ...mqtt, detections: { maxRate: 0 } } }).mqtt);
    expect(burst()).toEqual([true, true, true]);
    front.setLimits(configSchema.parse({ mqtt: { ...mqtt, detections: { enabled: false } } }).mqtt);
    expect(burst()).toEqual([false, false, false]);
  });

  it('publishes every payload kind, valid against its JSON Schema, over TLS with a password', async () => {
    const sub = await watch('edgecam/pi/#');
    const publisher = await startPublisher({
      url: tlsUrl(),
      username: USER,
      password: PASSWORD,
      tls: { ca: certs.ca },
      homeAssistant: { enabled: false },
    });
    await publisher.whenConnected();
    const front = publisher.camera('front', { model, image, labels: ['stop'] });
    const frame = { seq: 41, timestamp: Date.UTC(2025, 0, 2, 3, 4, 5, 6) };
    expect(
      front.detections(
        frame,
        [{ label: 'stop', classId: 0, score: 0.91234, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 } }],
        12.345,
      ),
    ).toBe(true);
    front.classification(frame, [{ label: 'cat', classId: 3, score: 0.8 }], 5);
    const id = await front.event({
      type: 'start',
      label: 'stop',
      frame,
      score: 0.9,
      count: 1,
      startedAt: frame.timestamp - 500,
    });
    publisher.publishHealth({
      uptimeS: 12,
      version: '0.1.0',
      provider: 'cpu',
      adapter: null,
      temperatureC: null,
      throttled: null,
      cameras: {
        front: { state: 'ok', fps: 9.87, inferenceMs: 12.3, lastFrameAt: frame.timestamp, model, image },
      },
    });

    const detections = json((await sub.waitFor((m) => m.topic === 'edgecam/pi/front/detections')).payload);
    expect(schemaErrors('detections', detections)).toEqual([]);
    expect(detections).toMatchObject({
      v: 2,
      device: 'pi',
      camera: 'front',
      seq: 41,
      ts: frame.timestamp,
      time: '2025-01-02T03:04:05.006Z',
      model,
      image,
      inferenceMs: 12.35,
      detections: [{ label: 'stop', classId: 0, score: 0.9123, box: { x: 0.1, y: 0.2, w: 0.3, h: 0.4 } }],
      counts: { stop: 1 },
    });
    const classification = json(
      (await sub.waitFor((m) => m.topic === 'edgecam/pi/front/classification')).payload,
    );
    expect(schemaErrors('classification', classification)).toEqual([]);
    const event = json((await sub.waitFor((m) => m.topic === 'edgecam/pi/front/events')).payload);
    expect(schemaErrors('event', event)).toEqual([]);
    expect(event).toMatchObject({ id, type: 'start', label: 'stop', durationMs: 500 });
    const health = await sub.waitFor((m) => m.topic === 'edgecam/pi/health');
    expect(health.retain).toBe(false); // live delivery; a newcomer gets it retained (below)
    expect(schemaErrors('health', json(health.payload))).toEqual([]);
    const state = json((await sub.waitFor((m) => m.topic === 'edgecam/pi/front/state')).payload);
    expect(schemaErrors('state', state)).toEqual([]);
    expect(state).toMatchObject({ enabled: true, threshold: 0.5 });
    const status = await sub.waitFor((m) => m.topic === 'edgecam/pi/status');
    expect(status.payload.toString()).toBe('online');

    const late = await watch(['edgecam/pi/health', 'edgecam/pi/status']);
    const retained = await late.waitForCount((m) => m.retain, 2);
    expect(retained.map((m) => m.topic).sort()).toEqual(['edgecam/pi/health', 'edgecam/pi/status']);

    await publisher.stop();
    const offline = await late.waitFor(
      (m) => m.topic === 'edgecam/pi/status' && m.payload.toString() === 'offline',
    );
    expect(offline.payload.toString()).toBe('offline');
  });

  it('reports a wrong password as EDGECAM_ERR_MQTT_AUTH and retries with a doubling, capped backoff', async () => {
    const clock = manualClock();
    const publisher = await startPublisher(
      {
        url: broker.url,
        username: USER,
        password: 'wrong',
        reconnect: { initialDelay: 1, maxDelay: 4 },
        homeAssistant: { enabled: false },
      },
      { clock, random: () => 0 }, // no jitter: exact delays
    );
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(() => clock.delays.length === attempt);
      clock.runNext();
    }
    expect(clock.delays).toEqual([1000, 2000, 4000, 4000]);
    const error = publisher.lastError;
    expect(isEdgecamError(error, 'EDGECAM_ERR_MQTT_AUTH')).toBe(true);
    expect(error?.message).toMatch(/refused the connection: (bad user name or password|not authorized)/);
    expect(error?.message).toContain('mqtt.username ("camera")');
    expect(error?.message).not.toContain('wrong');
    expect(publisher.connected).toBe(false);
  });

  it('reports a certificate from another CA as EDGECAM_ERR_MQTT_TLS and retries', async () => {
    const clock = manualClock();
    const publisher = await startPublisher(
      {
        url: tlsUrl(),
        username: USER,
        password: PASSWORD,
        tls: { ca: certs.otherCa },
        homeAssistant: { enabled: false },
      },
      { clock, random: () => 0 },
    );
    await until(() => clock.delays.length === 1);
    clock.runNext();
    await until(() => clock.delays.length === 2);
    expect(clock.delays).toEqual([1000, 2000]);
    expect(isEdgecamError(publisher.lastError, 'EDGECAM_ERR_MQTT_TLS')).toBe(true);
    expect(publisher.lastError?.message).toMatch(
      /cannot verify the TLS certificate of the broker at mqtts:\/\/127\.0\.0\.1:\d+/,
    );
    expect(publisher.lastError?.message).toContain('mqtt.tls.ca');
  });

  it('applies good commands, publishes the new state, and counts and ignores bad ones', async () => {
    const sub = await watch('edgecam/pi/front/state');
    const rejected: boolean[] = [];
    const stats = { ...noStats, command: (ok: boolean) => rejected.push(ok) };
    const publisher = await startPublisher(
      { url: broker.url, username: USER, password: PASSWORD, homeAssistant: { enabled: false } },
      { stats },
    );
    await publisher.whenConnected();
    const front = publisher.camera('front', { model, image });
    const handled: string[] = [];
    publisher.onCommand((command) => handled.push(`${command.setting}=${command.value}`));
    await sub.waitFor((m) => json(m.payload).enabled === true);

    const commander = await watch([]);
    const send = (setting: string, payload: string, camera = 'front') =>
      commander.client.publishAsync(`edgecam/pi/${camera}/set/${setting}`, payload, { qos: 1 });
    await send('threshold', 'banana');
    await send('enabled', 'maybe');
    await send('zoom', '2');
    await send('enabled', 'true', 'back');
    await send('enabled', 'OFF');
    await send('threshold', '0.7');
    await send('snapshot', 'PRESS');
    await until(() => handled.length === 3);
    expect(handled).toEqual(['enabled=false', 'threshold=0.7', 'snapshot=true']);
    expect(front.state).toEqual({ enabled: false, threshold: 0.7 });
    const states = await sub.waitForCount(() => true, 4);
    expect(states.map((m) => json(m.payload)).at(-1)).toMatchObject({ enabled: false, threshold: 0.7 });
    for (const m of states) expect(schemaErrors('state', json(m.payload))).toEqual([]);
    expect(rejected).toEqual([false, false, false, false, true, true, true]);
  });

  it('reconnects after a broker restart and delivers the events queued meanwhile', async () => {
    const own = await startMosquitto();
    open.push(() => own.stop());
    // Retries run when the test says: after the new broker is up and the subscriber listens.
    const clock = manualClock();
    const publisher = await startPublisher({ url: own.url, homeAssistant: { enabled: false } }, { clock });
    await publisher.whenConnected();
    const front = publisher.camera('front', { model, image });
    await own.stop();
    await until(() => !publisher.connected && clock.delays.length === 1);
    const frame = { seq: 1, timestamp: Date.now() };
    const ids = [
      await front.event({
        type: 'start',
        label: 'stop',
        frame,
        score: 0.9,
        count: 1,
        startedAt: frame.timestamp,
      }),
      await front.event({
        type: 'end',
        label: 'stop',
        frame,
        score: 0.9,
        count: 0,
        startedAt: frame.timestamp,
      }),
    ];
    expect(publisher.outboxStatus().depth).toBe(2);
    const again = await startMosquitto({ port: own.port });
    open.push(() => again.stop());
    const sub = await subscribe(again.url, 'edgecam/pi/front/events');
    open.push(() => sub.close());
    clock.runNext();
    await publisher.whenConnected();
    const got = await sub.waitForCount(() => true, 2);
    expect(got.map((m) => json(m.payload).id)).toEqual(ids);
    await publisher.drained();
    expect(publisher.outboxStatus().depth).toBe(0);
  });
});

describe('Home Assistant discovery', () => {
  beforeEach(skipWithoutBroker);
  it('publishes retained configs for the device, and removes those of a camera that went away', async () => {
    const dir = await stateDir();
    const config = configSchema.parse({
      device: 'pi',
      stateDir: dir,
      mqtt: { url: broker.url, username: USER, password: PASSWORD },
    });
    const first = await MqttPublisher.start({ config });
    open.push(() => first.stop());
    await first.whenConnected();
    first.camera('front', { model, image, labels: ['stop', 'yield'] });
    const back = first.camera('back', { model, image, labels: [] });
    first.announce();
    back.setLabels(['stop']);
    await first.discoveryPublished();
    await first.stop();

    const sub = await watch('homeassistant/#');
    const retained = await sub.waitForCount((m) => m.retain, 2 * 7 + 3 * 2);
    const byTopic = new Map(retained.map((m) => [m.topic, m.payload.toString()]));
    const occupancy = JSON.parse(
      byTopic.get('homeassistant/binary_sensor/edgecam_pi/front_stop_occupancy/config')!,
    );
    expect(occupancy).toMatchObject({
      state_topic: 'edgecam/pi/front/events',
      availability_topic: 'edgecam/pi/status',
      device_class: 'occupancy',
      device: { identifiers: ['edgecam_pi'] },
    });
    const snapshot = JSON.parse(byTopic.get('homeassistant/camera/edgecam_pi/back_snapshot/config')!);
    expect(snapshot.topic).toBe('edgecam/pi/back/snapshot');
    const count = JSON.parse(byTopic.get('homeassistant/sensor/edgecam_pi/front_yield_count/config')!);
    expect(count.value_template).toBe('{{ value_json.counts.get("yield", 0) }}');

    // The next run has no "back" camera: its configs are cleared (an empty retained message).
    const second = await MqttPublisher.start({ config });
    open.push(() => second.stop());
    await second.whenConnected();
    second.camera('front', { model, image, labels: ['stop', 'yield'] });
    second.announce();
    await second.discoveryPublished();
    const cleared = await sub.waitForCount(
      (m) => m.topic.includes('/edgecam_pi/back_') && m.payload.length === 0,
      9,
    );
    expect(cleared).toHaveLength(9);
    // A newcomer gets the retained configs first, then a marker published after it subscribed.
    const after = await watch('homeassistant/#');
    await after.client.publishAsync('homeassistant/edgecam-test/marker', 'x', { qos: 1 });
    await after.waitFor((m) => m.topic === 'homeassistant/edgecam-test/marker');
    const topics = after.messages.filter((m) => m.retain).map((m) => m.topic);
    expect(topics).toHaveLength(7 + 2 * 2);
    expect(topics.filter((t) => t.includes('back_'))).toEqual([]);
    // The camera that stayed was never removed on the way (no flapping entities in Home Assistant).
    await sub.waitFor((m) => m.topic === 'homeassistant/edgecam-test/marker');
    expect(sub.messages.filter((m) => m.topic.includes('front_') && m.payload.length === 0)).toEqual([]);
  });
});

describe('the embedded broker', () => {
  it('starts when mqtt.url is empty, and says so (the daemon prints how to subscribe)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const publisher = await startPublisher(
      { broker: { port: 0 }, homeAssistant: { enabled: false }, healthInterval: 0.05 },
      { logger },
    );
    await publisher.whenConnected();
    publisher.startHealthReports(() => ({
      uptimeS: 1,
      version: '0.1.0',
      provider: 'cpu',
      adapter: null,
      temperatureC: null,
      throttled: null,
      cameras: {},
    }));
    expect(publisher.brokerIsEmbedded).toBe(true);
    const started = lines
      .map((l) => JSON.parse(l))
      .find((l) => l.msg.startsWith('embedded MQTT broker started'));
    expect(started).toMatchObject({ level: 20, url: publisher.url });
    const sub = await subscribe(publisher.url, ['edgecam/pi/status', 'edgecam/pi/health']);
    open.push(() => sub.close());
    const status = await sub.waitFor((m) => m.topic === 'edgecam/pi/status');
    expect(status.payload.toString()).toBe('online');
    expect(status.retain).toBe(true);
    // The periodic health report, with the publisher's own part filled in.
    const health = json((await sub.waitFor((m) => m.topic === 'edgecam/pi/health')).payload);
    expect(schemaErrors('health', health)).toEqual([]);
    expect(health).toMatchObject({ mqtt: { connected: true }, outbox: { depth: 0, dropped: 0 } });
  });
  it('hands per-frame messages to the embedded broker itself: subscribers get them, in order, counted as published', async () => {
    const published: string[] = [];
    const stats = { ...noStats, published: (kind: string) => published.push(kind) };
    const publisher = await startPublisher(
      { broker: { port: 0 }, homeAssistant: { enabled: false } },
      { stats },
    );
    await publisher.whenConnected();
    const sub = await subscribe(publisher.url, ['edgecam/pi/front/detections', 'edgecam/pi/front/events']);
    open.push(() => sub.close());
    const front = publisher.camera('front', { model, image, labels: ['stop'] });
    for (let seq = 0; seq < 3; seq++)
      expect(
        front.detections({ seq, timestamp: Date.now() }, [{ label: 'stop', classId: 0, score: 0.9 }], 2),
      ).toBe(true);
    const frame = { seq: 3, timestamp: Date.now() };
    await front.event({
      type: 'start',
      label: 'stop',
      frame,
      score: 0.9,
      count: 1,
      startedAt: frame.timestamp,
    });
    await sub.waitFor((m) => m.topic.endsWith('/events'));
    await until(() => sub.messages.filter((m) => m.topic.endsWith('/detections')).length === 3);
    const detections = sub.messages
      .filter((m) => m.topic.endsWith('/detections'))
      .map((m) => json(m.payload));
    expect(detections.map((d) => d.seq)).toEqual([0, 1, 2]);
    for (const d of detections) expect(schemaErrors('detections', d)).toEqual([]);
    expect(published.filter((k) => k === 'detections')).toHaveLength(3);
  });
});
