import { mkdtemp, rm } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { CameraSettings, Command } from '../../../src/publish/commands.js';
import { MqttPublisher } from '../../../src/publish/publisher.js';
import { noStats, type PublishStats } from '../../../src/publish/stats.js';
import type { Clock } from '../../../src/time/clock.js';
import { type Mosquitto, noMosquitto, startMosquitto } from './mosquitto.js';
import { subscribe } from './subscriber.js';

// Thousands of messages on the command topics, through a real mosquitto, as anyone on the
// network can send them: each camera and setting applies the first at once and the latest after
// the interval, and the rest are counted as coalesced. The clock is manual: "after the interval"
// is when the test runs the timer, so nothing here depends on how fast the machine is.
const FLOOD = 10_000;
const model = { name: 'signs', version: '1' };
const image = { width: 64, height: 48 };

let broker: Mosquitto;
const open: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  if (noMosquitto === undefined) broker = await startMosquitto();
});
beforeEach(({ skip }) => {
  if (noMosquitto !== undefined) skip(noMosquitto);
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A clock that stands still; its timers run when the test says. */
function manualClock(): Clock & { pending: number; runAll(): void } {
  let timers: (() => void)[] = [];
  return {
    now: () => 1_700_000_000_000,
    setTimeout(callback) {
      timers.push(callback);
      return () => {
        timers = timers.filter((t) => t !== callback);
      };
    },
    get pending() {
      return timers.length;
    },
    runAll() {
      const due = timers;
      timers = [];
      for (const run of due) run();
    },
  };
}

/** Counts what the publisher reports about commands. */
function commandStats(): PublishStats & { applied: number; rejected: number; coalesced: number } {
  const counts = {
    ...noStats,
    applied: 0,
    rejected: 0,
    coalesced: 0,
    command(accepted: boolean) {
      if (accepted) counts.applied++;
      else counts.rejected++;
    },
    commandsCoalesced(n: number) {
      counts.coalesced += n;
    },
  };
  return counts;
}

async function setUp(device: string) {
  const dir = await mkdtemp('/tmp/edgecam-flood-');
  open.push(() => rm(dir, { recursive: true, force: true }));
  const config = configSchema.parse({
    device,
    stateDir: dir,
    mqtt: { url: broker.url, homeAssistant: { enabled: false } },
  });
  const clock = manualClock();
  const stats = commandStats();
  const warnings: string[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => warnings.push(JSON.parse(line).msg as string) },
  );
  const publisher = await MqttPublisher.start({ config, clock, stats, logger });
  open.push(() => publisher.stop());
  await publisher.whenConnected();
  // The camera's settings record every command that reaches them.
  const reached: Command[] = [];
  let state = { enabled: true, threshold: 0.5 };
  const settings: CameraSettings = {
    get state() {
      return state;
    },
    command(command) {
      reached.push(command);
      if (command.setting === 'threshold') state = { ...state, threshold: command.value };
    },
  };
  publisher.camera('front', { model, image, settings });
  const commander = await subscribe(broker.url, []);
  open.push(() => commander.close());
  const flood = async (setting: string, payload: (i: number) => string, count = FLOOD) => {
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++)
      sent.push(
        commander.client.publishAsync(`edgecam/${device}/front/set/${setting}`, payload(i), { qos: 1 }),
      );
    await Promise.all(sent);
  };
  return { clock, stats, warnings, reached, flood, publisher };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

it('turns 10,000 snapshot commands into two snapshots, and counts the rest as coalesced', async () => {
  const { clock, stats, reached, flood } = await setUp('snapflood');
  await flood('snapshot', () => 'PRESS');
  // Every message has arrived when all but the one still waiting are counted.
  await until(() => stats.applied + stats.coalesced >= FLOOD - 1);
  expect(reached.map((c) => c.setting)).toEqual(['snapshot']);
  expect(stats.coalesced).toBe(FLOOD - 2);
  expect(clock.pending).toBe(1);
  clock.runAll();
  expect(reached.map((c) => c.setting)).toEqual(['snapshot', 'snapshot']);
  expect(stats.applied).toBe(2);
});

it('applies the first and the last of a burst of thresholds, and ends at the last', async () => {
  const { clock, stats, reached, flood, publisher } = await setUp('thresholdflood');
  const value = (i: number) => ((i + 1) / 1000).toFixed(3);
  await flood('threshold', value, 1000);
  await until(() => stats.applied + stats.coalesced >= 999);
  clock.runAll();
  expect(reached.map((c) => c.value)).toEqual([0.001, 1]);
  expect(stats.coalesced).toBe(998);
  expect(publisher.camera('front', { model, image }).state.threshold).toBe(1);
});

it('counts 10,000 invalid commands and logs them once, not 10,000 times', async () => {
  const { stats, warnings, reached, flood } = await setUp('badflood');
  await flood('enabled', (i) => `maybe ${i}`);
  await until(() => stats.rejected === FLOOD);
  expect(reached).toEqual([]);
  expect(warnings.filter((w) => w.startsWith('ignored command'))).toHaveLength(1);
});
