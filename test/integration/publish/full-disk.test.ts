import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { outboxCheck } from '../../../src/health/readiness.js';
import { HELD_BYTES, Outbox } from '../../../src/publish/outbox.js';
import { MqttPublisher } from '../../../src/publish/publisher.js';
import type { Clock } from '../../../src/time/clock.js';
import { type Mosquitto, noMosquitto, startMosquitto } from './mosquitto.js';
import { subscribe } from './subscriber.js';

// A really full disk: a 1 MiB tmpfs, filled by a file, under the outbox. Mounting needs root (CI
// runs as root); elsewhere these tests are skipped with the reason.
const run = promisify(execFile);
let mount: string;
let skipReason: string | undefined;
let broker: Mosquitto;
const open: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  mount = await mkdtemp('/tmp/edgecam-full-');
  if (noMosquitto !== undefined) skipReason = noMosquitto;
  else if (process.getuid?.() !== 0) skipReason = 'mounting a small tmpfs needs root (id -u is not 0)';
  else {
    try {
      await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
    } catch (err) {
      skipReason = `cannot mount a tmpfs: ${(err as Error).message}`;
    }
  }
  if (skipReason !== undefined) console.warn(`full-disk tests skipped: ${skipReason}`);
  else broker = await startMosquitto();
});
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
  if (skipReason === undefined) await run('sh', ['-c', `rm -rf ${mount}/*`]);
});
afterAll(async () => {
  await broker?.stop();
  if (skipReason === undefined) await run('umount', [mount]);
  await rm(mount, { recursive: true, force: true });
});

/** Fills the file system with one file (a write past the end fails with ENOSPC, as expected). */
async function fill(): Promise<() => Promise<void>> {
  const filler = join(mount, 'filler');
  await writeFile(filler, Buffer.alloc(2 << 20)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err;
  });
  return () => rm(filler);
}

/** A clock whose timers run when the test says. */
function manualClock(): Clock & { runAll(): void } {
  let timers: (() => void)[] = [];
  return {
    now: () => Date.now(),
    setTimeout(callback) {
      timers.push(callback);
      return () => {
        timers = timers.filter((t) => t !== callback);
      };
    },
    runAll() {
      const due = timers;
      timers = [];
      for (const t of due) t();
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Runs the retry timers until `done` (each retry looks at the disk once). */
async function recovered(clock: ReturnType<typeof manualClock>, done: () => boolean): Promise<void> {
  await until(() => {
    clock.runAll();
    return done();
  });
}

const limits = { maxMessages: 1000, maxBytes: 4 << 20 };
const event = (i: number) => ({
  topic: 'edgecam/pi/front/events',
  payload: `{"n":${i}}`.padEnd(1000),
  retain: false,
});
const numbers = (entries: { payload: Buffer }[]) =>
  entries.map((e) => JSON.parse(e.payload.toString()).n as number);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

it('keeps running on a full disk: holds events in memory, says so, and writes them in order when there is room', async (ctx) => {
  if (skipReason !== undefined) return ctx.skip(skipReason);
  const clock = manualClock();
  const dir = join(mount, 'outbox');
  const box = await Outbox.open(dir, limits, { clock });
  open.push(() => box.close());
  for (let i = 0; i < 5; i++) await box.append(event(i));
  const free = await fill();
  for (let i = 5; i < 40; i++) await box.append(event(i));
  expect(box.fault?.message).toMatch(/no space left on device/i);
  expect(box.fault?.held).toBeGreaterThan(0);
  expect(
    outboxCheck(() => ({ writable: false, held: box.fault!.held, error: box.fault!.message }))(),
  ).toMatchObject({
    ready: false,
  });
  // Readable (so deliverable) meanwhile, in order.
  expect(numbers(await box.readAfter(-1, 100))).toEqual(range(0, 40));
  await free();
  await recovered(clock, () => box.fault === undefined);
  await box.append(event(40));
  await box.close();
  open.pop();
  const again = await Outbox.open(dir, limits);
  open.push(() => again.close());
  expect(numbers(await again.readAfter(-1, 100))).toEqual(range(0, 41));
});

it('holds at most HELD_BYTES in memory: past it the oldest go, counted', async (ctx) => {
  if (skipReason !== undefined) return ctx.skip(skipReason);
  const free = await fill();
  const box = await Outbox.open(
    join(mount, 'outbox'),
    { maxMessages: 1000, maxBytes: 64 << 20 },
    { clock: manualClock() },
  );
  open.push(() => box.close());
  open.push(free);
  const discarded: string[] = [];
  box.onDiscard = (kind, reason) => discarded.push(`${kind}:${reason}`);
  const big = (i: number) => ({
    topic: 'edgecam/pi/front/events',
    payload: `{"n":${i}}`.padEnd(1 << 20),
    retain: false,
  });
  const count = HELD_BYTES / (1 << 20) + 2;
  for (let i = 0; i < count; i++) await box.append(big(i));
  expect(discarded).toEqual(['events:memory', 'events:memory', 'events:memory']);
  expect(box.discarded.memory).toBe(3);
  expect(numbers(await box.readAfter(-1, 100))).toEqual(range(3, count));
});

it('starts on a full disk, and writes what came meanwhile after what the earlier run left', async (ctx) => {
  if (skipReason !== undefined) return ctx.skip(skipReason);
  const dir = join(mount, 'outbox');
  const earlier = await Outbox.open(dir, limits);
  for (let i = 0; i < 3; i++) await earlier.append(event(i));
  await earlier.close();
  const free = await fill();
  const clock = manualClock();
  const box = await Outbox.open(dir, limits, { clock });
  open.push(() => box.close());
  for (let i = 3; i < 30; i++) await box.append(event(i));
  expect(box.fault?.message).toMatch(/no space left on device/i);
  await free();
  await recovered(clock, () => box.fault === undefined);
  expect(numbers(await box.readAfter(-1, 100))).toEqual(range(0, 30));
  await box.close();
  open.pop();
  const again = await Outbox.open(dir, limits);
  open.push(() => again.close());
  expect(numbers(await again.readAfter(-1, 100))).toEqual(range(0, 30));
});

it('a publisher starts on a full disk, delivers events from memory, and the health report says the outbox cannot write', async (ctx) => {
  if (skipReason !== undefined) return ctx.skip(skipReason);
  const stateDir = join(mount, 'state');
  await mkdir(stateDir);
  const free = await fill();
  const clock = manualClock();
  const config = configSchema.parse({
    device: 'full',
    stateDir,
    mqtt: { url: broker.url, homeAssistant: { enabled: false } },
  });
  const sub = await subscribe(broker.url, ['edgecam/full/front/events', 'edgecam/full/health']);
  open.push(() => sub.close());
  const publisher = await MqttPublisher.start({ config, clock });
  open.push(() => publisher.stop());
  await publisher.whenConnected();
  const front = publisher.camera('front', {
    model: { name: 'm', version: '1' },
    image: { width: 8, height: 8 },
  });
  const frame = { seq: 1, timestamp: Date.now() };
  const id = await front.event({
    type: 'start',
    label: 'stop',
    frame,
    score: 0.9,
    count: 1,
    startedAt: frame.timestamp,
  });
  const delivered = await sub.waitFor((m) => m.topic.endsWith('/events'));
  expect(JSON.parse(delivered.payload.toString()).id).toBe(id);
  expect(publisher.outboxStatus()).toMatchObject({ writable: false });
  expect(publisher.outboxStatus().error).toMatch(/no space left on device/i);
  const health = {
    uptimeS: 1,
    version: '0',
    provider: null,
    adapter: null,
    temperatureC: null,
    throttled: null,
    cameras: {},
  };
  publisher.publishHealth(health);
  const report = await sub.waitFor((m) => m.topic.endsWith('/health'));
  expect(JSON.parse(report.payload.toString()).outbox).toMatchObject({ writable: false });
  await free();
  await recovered(clock, () => publisher.outboxStatus().writable);
});
