// Event snapshots under a burst of event starts (a short bright/dark loop replayed flat out): the
// retained snapshot topic gets at most one JPEG per mqtt.snapshots.interval, the latest start's
// one follows when the interval ends (here: at stop), and an interval of 0 sends one per start.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/daemon.js';
import { type Mosquitto, noMosquitto, startMosquitto } from '../publish/mosquitto.js';
import { type Received, subscribe } from '../publish/subscriber.js';
import { writeBrightnessModel, writeFrames } from './fixtures.js';

let dir: string;
let broker: Mosquitto;
let model: string;
let frames: string;

beforeEach(({ skip }) => {
  if (noMosquitto !== undefined) skip(noMosquitto);
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-snapshots-'));
  if (noMosquitto !== undefined) return;
  [broker, model, frames] = await Promise.all([
    startMosquitto(),
    writeBrightnessModel(join(dir, 'model')),
    writeFrames(join(dir, 'frames'), 160, 120, 3, 3),
  ]);
});

afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the daemon until `starts` 'stop' events have started, stops it; returns what was published. */
async function burst(device: string, interval: number, starts: number) {
  const file = join(dir, `${device}.yaml`);
  await writeFile(
    file,
    `device: ${device}
stateDir: ${join(dir, `state-${device}`)}
http: { port: 0 }
mqtt: { url: ${broker.url}, homeAssistant: { enabled: false }, snapshots: { interval: ${interval} } }
inference: { accelerator: cpu }
cameras:
  - id: cam
    source: { kind: file, path: ${frames}, loop: true, pace: fast }
    width: 160
    height: 120
    model: ${model}
    threshold: 0.5
    events: { smoothing: { kernel: mean, frames: 1 }, start: 0.5, end: 0.25 }
`,
  );
  const sub = await subscribe(broker.url, `edgecam/${device}/#`);
  const isStart = (m: Received) =>
    m.topic.endsWith('/events') && JSON.parse(m.payload.toString()).type === 'start';
  const daemon = await Daemon.start(await loadConfig({ file, env: {} }), {
    logger: pino({ level: 'silent' }),
  });
  try {
    await sub.waitForCount(isStart, starts);
  } finally {
    await daemon.stop();
  }
  // The retained offline comes last: what the daemon sent before has reached the subscriber.
  await sub.waitFor((m) => m.topic === `edgecam/${device}/status` && m.payload.toString() === 'offline');
  await sub.close();
  const snapshots = sub.messages.filter((m) => m.topic.endsWith('/snapshot'));
  for (const s of snapshots) expect((await sharp(s.payload).metadata()).format).toBe('jpeg');
  return { starts: sub.messages.filter(isStart).length, snapshots: snapshots.length };
}

it('sends one snapshot per interval, then the latest start’s when it ends (at stop)', async () => {
  const { starts, snapshots } = await burst('hour', 3600, 6);
  expect(starts).toBeGreaterThanOrEqual(6);
  // The first start's at once, and the one that waited for the interval, sent as the daemon stopped.
  expect(snapshots).toBe(2);
});

it('sends a snapshot for every start with an interval of 0', async () => {
  const { starts, snapshots } = await burst('every', 0, 4);
  expect(snapshots).toBe(starts);
});
