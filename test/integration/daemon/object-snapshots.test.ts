// Object snapshots end to end: the daemon (events.level: object) on a replay whose bright frames
// show a stop sign and dark ones none (fixtures.ts), against Debian's mosquitto. Each sign is an
// object that starts and ends; its end names where its snapshot is served, and the HTTP server
// serves it: a JPEG of the camera's frame.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/daemon.js';
import { type Mosquitto, noMosquitto, startMosquitto } from '../publish/mosquitto.js';
import { schemaErrors } from '../publish/schemas.js';
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
  dir = await mkdtemp(join(tmpdir(), 'edgecam-object-snapshots-'));
  if (noMosquitto !== undefined) return;
  [broker, model, frames] = await Promise.all([
    startMosquitto(),
    writeBrightnessModel(join(dir, 'model')),
    writeFrames(join(dir, 'frames'), 160, 120, 6, 6),
  ]);
});

afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

it("names an ended object's snapshot, and serves it over HTTP", async () => {
  const file = join(dir, 'objects.yaml');
  const stateDir = join(dir, 'state');
  await writeFile(
    file,
    `device: snaps
stateDir: ${stateDir}
http: { port: 0 }
mqtt: { url: ${broker.url}, homeAssistant: { enabled: false } }
inference: { accelerator: cpu }
cameras:
  - id: cam
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    width: 160
    height: 120
    fps: 10
    model: ${model}
    # Above the constant yield (0.6): only the stop sign of the bright frames counts.
    threshold: 0.7
    detect: { mode: always }
    tracking: { hits: 2, misses: 2 }
    events: { level: object, snapshots: { keep: 3 } }
`,
  );
  const sub = await subscribe(broker.url, 'edgecam/snaps/cam/events');
  const json = (m: Received) => JSON.parse(m.payload.toString()) as Record<string, unknown>;
  const daemon = await Daemon.start(await loadConfig({ file, env: {} }), {
    logger: pino({ level: 'silent' }),
  });
  try {
    const end = json(
      await sub.waitFor((m) => {
        const p = json(m);
        return p.type === 'end' && p.reason === 'gone' && typeof p.snapshot === 'string';
      }, 'an object end with a snapshot'),
    );
    expect(end).toMatchObject({ v: 4, level: 'object', label: 'stop' });
    expect(end.snapshot).toBe(`/cameras/cam/objects/${end.objectId}.jpg`);
    expect(schemaErrors('event', end)).toEqual([]);
    const start = sub.messages.map(json).find((p) => p.type === 'start' && p.objectId === end.objectId);
    expect(start).toBeDefined();
    expect(start).not.toHaveProperty('snapshot');

    const res = await fetch(`${daemon.url}${end.snapshot as string}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 120 });
    expect(await readdir(join(stateDir, 'snapshots', 'cam'))).toContain(`${end.objectId}.jpg`);

    // More objects come and go: no more than keep files stay.
    const isEnd = (m: Received) => json(m).type === 'end';
    await sub.waitForCount(isEnd, sub.messages.filter(isEnd).length + 3);
    expect((await readdir(join(stateDir, 'snapshots', 'cam'))).length).toBeLessThanOrEqual(3);
  } finally {
    await daemon.stop();
    await sub.close();
  }
});
