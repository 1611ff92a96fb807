import { mkdtemp, rm } from 'node:fs/promises';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { MqttPublisher } from '../../../src/publish/publisher.js';
import { type Clock, systemClock } from '../../../src/time/clock.js';
import { PROBE_INTERVAL_MS } from '../../../src/time/probed-wait.js';
import { noMosquitto, startMosquitto } from './mosquitto.js';

/**
 * A broker that goes away and comes back on the same port, while the reconnect backoff is ten
 * minutes long: the publisher is back as soon as a probe finds the port answering, with no full
 * connection attempt in between (a probe is a bare TCP connect, never an MQTT CONNECT). Real
 * mosquitto; the assertions are on attempts and on what the log says, never on how long it took.
 */

const open: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('MqttPublisher reconnecting', () => {
  it('connects again when the broker answers again, not when a long backoff runs out', async ({ skip }) => {
    if (noMosquitto !== undefined) skip(noMosquitto);
    const first = await startMosquitto();
    open.push(() => first.stop());
    const stateDir = await mkdtemp('/tmp/edgecam-state-');
    open.push(() => rm(stateDir, { recursive: true, force: true }));
    const config = configSchema.parse({
      device: 'pi',
      stateDir,
      mqtt: {
        url: first.url,
        reconnect: { initialDelay: 600, maxDelay: 600 },
        homeAssistant: { enabled: false },
      },
    });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    let attempts = 0;
    // The real clock, counting the waits of a probe interval that ran out: each is followed by a
    // probe, so the test waits for probes instead of sleeping (a busy machine runs them late).
    let probeWaits = 0;
    const clock: Clock = {
      now: systemClock.now,
      setTimeout: (fn, ms, options) =>
        systemClock.setTimeout(
          () => {
            if (ms === PROBE_INTERVAL_MS) probeWaits++;
            fn();
          },
          ms,
          options,
        ),
    };
    const publisher = await MqttPublisher.start({
      config,
      logger,
      clock,
      random: () => 0, // no jitter: the backoff is the full ten minutes
      connect: (url, options) => {
        attempts++;
        return mqtt.connect(url, options);
      },
    });
    open.push(() => publisher.stop());
    await publisher.whenConnected();

    await first.stop();
    await until(() => !publisher.connected && lines.some((l) => l.retryMs === 600_000));
    // Away for a few probes, none of which made a full connection attempt.
    const before = probeWaits;
    await until(() => probeWaits >= before + 3);
    expect(attempts).toBe(1);

    const again = await startMosquitto({ port: first.port });
    open.push(() => again.stop());
    await publisher.whenConnected();
    expect(attempts).toBe(2);
    const messages = lines.map((l) => l.msg);
    const answered = messages.indexOf('the MQTT broker answers again; connecting now');
    expect(answered).toBeGreaterThan(0);
    expect(messages.lastIndexOf('connected to the MQTT broker')).toBeGreaterThan(answered);
  }, 120_000);
});
