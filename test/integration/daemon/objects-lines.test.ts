// Per-object events and a counting line end to end: `edgecam run` (the built CLI) against Debian's
// mosquitto, on a replay whose brightness walks the model's one 'person' right and left across the
// middle of the frame (moving-fixtures.ts). Then a reset by command, and a kill -9 whose open
// object gets its restart end at the next start, with the totals kept.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type Mosquitto, noMosquitto, startMosquitto } from '../publish/mosquitto.js';
import { schemaErrors } from '../publish/schemas.js';
import { type Received, subscribe } from '../publish/subscriber.js';
import { type DaemonChild, startDaemon } from './daemon-child.js';
import { writeMovingModel, writeRampFrames } from './moving-fixtures.js';

interface Payload {
  readonly [key: string]: unknown;
  readonly type?: string;
  readonly objectId?: string;
  readonly reason?: string;
  readonly changed?: string[];
  readonly direction?: string;
  readonly since?: number;
  readonly startedAt?: number;
  readonly total?: { in: number; out: number };
}

let dir: string;
let broker: Mosquitto;
let model: string;
let frames: string;

beforeEach(({ skip }) => {
  if (noMosquitto !== undefined) skip(noMosquitto);
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-objects-'));
  if (noMosquitto !== undefined) return;
  [broker, model, frames] = await Promise.all([
    startMosquitto(),
    writeMovingModel(join(dir, 'model')),
    writeRampFrames(join(dir, 'frames'), 160, 120, 16),
  ]);
});

afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('publishes object events and line counts, resets them by command, and ends an open object after kill -9', async () => {
  const file = join(dir, 'objects.yaml');
  await writeFile(
    file,
    `device: objects
stateDir: ${join(dir, 'state')}
http: { port: 0 }
mqtt: { url: ${broker.url} }
inference: { accelerator: cpu }
cameras:
  - id: cam
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    width: 160
    height: 120
    fps: 20
    model: ${model}
    zones:
      left: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]]
      right: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]
    # The replay moves the person by its brightness, which motion detection takes for light.
    detect: { mode: always }
    tracking: { hits: 2, misses: 5 }
    events: { level: object, snapshotInterval: 0 }
    # Drawn upwards, so that "in" (left to right of from -> to) is moving right.
    lines: { middle: { from: [0.5, 1], to: [0.5, 0] } }
`,
  );
  const base = 'edgecam/objects/cam';
  const sub = await subscribe(broker.url, [
    `${base}/events`,
    `${base}/count`,
    `${base}/counts/#`,
    'homeassistant/+/edgecam_objects/#',
  ]);
  const json = (m: Received) => JSON.parse(m.payload.toString()) as Payload;
  const on = (topic: string, match: (p: Payload) => boolean) => (m: Received) =>
    m.topic === topic && m.payload.length > 0 && match(json(m));
  const children: DaemonChild[] = [];
  try {
    const first = startDaemon(file);
    children.push(first);
    // 1. The person starts as an object, changes zone, and crosses the line both ways.
    const start = json(
      await sub.waitFor(
        on(`${base}/events`, (p) => p.type === 'start'),
        'an object start',
      ),
    );
    expect(start).toMatchObject({ v: 4, level: 'object', label: 'person' });
    await sub.waitFor(
      on(`${base}/events`, (p) => p.changed?.includes('zones') === true),
      'a zones update',
    );
    const crossedIn = json(
      await sub.waitFor(
        on(`${base}/count`, (p) => p.direction === 'in'),
        'an in',
      ),
    );
    await sub.waitFor(
      on(`${base}/count`, (p) => p.direction === 'out'),
      'an out',
    );
    expect(crossedIn).toMatchObject({ line: 'middle', label: 'person' });
    // The object that crossed is one that started (on a busy machine, dropped frames may make the
    // person jump far enough for its track to be lost and a new one to start).
    const started = sub.messages
      .filter(on(`${base}/events`, (p) => p.type === 'start'))
      .map((m) => json(m).objectId);
    expect(started).toContain(crossedIn.objectId);
    const totals = json(
      await sub.waitFor(
        on(`${base}/counts/middle`, (p) => p.total!.in >= 1 && p.total!.out >= 1),
        'totals',
      ),
    );
    expect(totals.totals).toMatchObject({
      in: { person: totals.total!.in },
      out: { person: totals.total!.out },
    });
    const sensor = await sub.waitFor((m) => m.topic.endsWith('/cam_middle_in/config'), 'the HA sensor');
    expect(JSON.parse(sensor.payload.toString())).toMatchObject({ state_topic: `${base}/counts/middle` });
    // The live view draws the line with its totals (counted on: at least those published).
    const live = await first.waitForLog((l) => l.msg.startsWith('live view: '), 'the live-view line');
    const status = (await (await fetch(new URL('/api/status', String(live.url)))).json()) as {
      cameras: { lines: { name: string; counts: { in: number; out: number } }[] }[];
    };
    expect(status.cameras[0]!.lines).toMatchObject([
      { name: 'middle', from: [0.5, 1], to: [0.5, 0], direction: 'both' },
    ]);
    expect(status.cameras[0]!.lines[0]!.counts.in).toBeGreaterThanOrEqual(totals.total!.in);
    expect(status.cameras[0]!.lines[0]!.counts.out).toBeGreaterThanOrEqual(totals.total!.out);

    // 2. A reset by command: the totals start from 0, since now.
    const resetAt = Date.now();
    await sub.client.publishAsync(`${base}/set/reset_counts`, 'PRESS');
    const reset = json(
      await sub.waitFor(
        on(`${base}/counts/middle`, (p) => p.since! >= resetAt),
        'the totals after the reset',
      ),
    );
    expect(reset.total).toEqual({ in: 0, out: 0 });

    // 3. kill -9 with the person open; the next start ends it (reason restart) before anything new,
    // and goes on from the totals kept.
    await first.kill9();
    const restartedAt = Date.now();
    const second = startDaemon(file);
    children.push(second);
    const isNewStart = on(`${base}/events`, (p) => p.type === 'start' && p.startedAt! >= restartedAt);
    await sub.waitFor(isNewStart, 'the new start');
    const ends = sub.messages.filter(on(`${base}/events`, (p) => p.type === 'end' && p.reason === 'restart'));
    expect(ends.length).toBeGreaterThanOrEqual(1);
    const ended = json(ends.at(-1)!);
    expect(ended).toMatchObject({ level: 'object', label: 'person', count: 0 });
    expect((ended.path as { zones: string[] }).zones.length).toBeGreaterThan(0);
    expect(sub.messages.indexOf(ends.at(-1)!)).toBeLessThan(sub.messages.findIndex(isNewStart));
    const kept = json(
      await sub.waitFor(
        on(`${base}/counts/middle`, (p) => (p.ts as number) >= restartedAt),
        'kept totals',
      ),
    );
    expect(kept.since).toBe(reset.since);
    second.process.kill('SIGTERM');
    expect((await second.exited()).code).toBe(0);

    for (const m of sub.messages) {
      if (m.payload.length === 0 || m.topic.startsWith('homeassistant/')) continue;
      const name = m.topic.endsWith('/events') ? 'event' : m.topic.endsWith('/count') ? 'count' : 'counts';
      expect(schemaErrors(name, json(m)), m.topic).toEqual([]);
    }
  } finally {
    for (const child of children) await child.kill9();
    await sub.close();
  }
});
