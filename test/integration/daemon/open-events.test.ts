// Open events across a crash: `edgecam run` (the built CLI) killed with SIGKILL while events are
// open, then started again on the same stateDir, against Debian's mosquitto. The generated model
// sees 'yield' in every frame, so its event starts once per run and ends only when the run does;
// 'stop' comes and goes with the replay's bright and dark frames.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { readOpenEvents } from '../../../src/daemon/open-events-store.js';
import { type Mosquitto, noMosquitto, startMosquitto } from '../publish/mosquitto.js';
import { schemaErrors } from '../publish/schemas.js';
import { type Received, subscribe } from '../publish/subscriber.js';
import { type DaemonChild, startDaemon } from './daemon-child.js';
import { writeBrightnessModel, writeFrames } from './fixtures.js';

interface EventPayload {
  readonly id: string;
  readonly type: 'start' | 'update' | 'end';
  readonly label: string;
  readonly startedAt: number;
  readonly ts: number;
  readonly durationMs: number;
  readonly reason?: string;
}

let dir: string;
let broker: Mosquitto;
let model: string;
let frames: string;

beforeEach(({ skip }) => {
  if (noMosquitto !== undefined) skip(noMosquitto);
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-open-events-'));
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

it('ends the events a kill -9 left open at the next start (reason restart), once, before anything new', async () => {
  const stateDir = join(dir, 'state');
  const file = join(dir, 'crash.yaml');
  await writeFile(
    file,
    `device: crash
stateDir: ${stateDir}
http: { port: 0 }
mqtt: { url: ${broker.url}, homeAssistant: { enabled: false } }
inference: { accelerator: cpu }
cameras:
  - id: cam
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    width: 160
    height: 120
    fps: 20
    model: ${model}
    threshold: 0.5
    events: { smoothing: { kernel: mean, frames: 2 }, start: 0.5, end: 0.25 }
`,
  );
  const sub = await subscribe(broker.url, 'edgecam/crash/cam/events');
  const children: DaemonChild[] = [];
  const run = () => {
    const child = startDaemon(file);
    children.push(child);
    return child;
  };
  const json = (m: Received) => JSON.parse(m.payload.toString()) as EventPayload;
  const is = (type: string, label: string, reason?: string) => (m: Received) =>
    json(m).type === type && json(m).label === label && (reason === undefined || json(m).reason === reason);
  try {
    // 1. A run with 'yield' open, killed without warning: its file in stateDir still holds it.
    const first = run();
    const opened = json(await sub.waitFor(is('start', 'yield'), 'the first yield start'));
    await first.kill9();
    const killedAt = Date.now();
    const left = await readOpenEvents(join(stateDir, 'open-events', 'cam.json'));
    expect(left.events.find((e) => e.label === 'yield')?.startedAt).toBe(opened.startedAt);

    // 2. The next start ends it (reason restart) before its own 'yield' starts.
    const restartedAt = Date.now();
    const second = run();
    const isNewStart = (m: Received) => is('start', 'yield')(m) && json(m).startedAt >= restartedAt;
    const reopened = json(await sub.waitFor(isNewStart, 'the new start'));
    const endAt = sub.messages.findIndex(is('end', 'yield', 'restart'));
    expect(endAt, 'no restart end for yield').toBeGreaterThanOrEqual(0);
    expect(endAt).toBeLessThan(sub.messages.findIndex(isNewStart));
    const ended = json(sub.messages[endAt]!);
    expect(ended).toMatchObject({ startedAt: opened.startedAt, durationMs: ended.ts - opened.startedAt });
    // Ended when it was last known open: after it started, before the kill.
    expect(ended.ts).toBeGreaterThanOrEqual(opened.startedAt);
    expect(ended.ts).toBeLessThanOrEqual(killedAt);
    expect(second.lines.some((l) => l.msg.includes('left open by an unclean stop'))).toBe(true);

    // 3. A clean stop ends what is open itself (reason stopped) and leaves no file behind ...
    second.process.kill('SIGTERM');
    expect((await second.exited()).code).toBe(0);
    await sub.waitFor(
      (m) => is('end', 'yield', 'stopped')(m) && json(m).startedAt === reopened.startedAt,
      'the clean stop end',
    );
    expect(existsSync(join(stateDir, 'open-events', 'cam.json'))).toBe(false);

    // 4. ... so the start after it ends nothing more.
    const thirdAt = Date.now();
    const third = run();
    await sub.waitFor((m) => is('start', 'yield')(m) && json(m).startedAt >= thirdAt, 'the third start');
    third.process.kill('SIGTERM');
    expect((await third.exited()).code).toBe(0);
    expect(third.lines.some((l) => l.msg.includes('left open'))).toBe(false);

    // What a subscriber saw, redeliveries (the same id again) dropped, in order of arrival.
    const byId = new Map<string, EventPayload>();
    for (const e of sub.messages.map(json)) if (!byId.has(e.id)) byId.set(e.id, e);
    const events = [...byId.values()];
    const restarts = events.filter((e) => e.reason === 'restart');
    // Exactly one end for the yield the kill left open, and one restart end for each event the file held.
    expect(
      events.filter((e) => e.type === 'end' && e.label === 'yield' && e.startedAt === opened.startedAt),
    ).toHaveLength(1);
    const key = (e: { label: string; startedAt: number }) => `${e.label}@${e.startedAt}`;
    expect(restarts.map(key).sort()).toEqual(left.events.map(key).sort());
    // Every restart end came before anything the second run started.
    const firstNew = events.findIndex((e) => e.type === 'start' && e.startedAt >= restartedAt);
    expect(restarts.map((e) => events.indexOf(e)).every((i) => i < firstNew)).toBe(true);
    // Per label, never a start while the previous event is still open, and every end ends the event it follows.
    for (const label of new Set(events.map((e) => e.label))) {
      let open: EventPayload | undefined;
      for (const e of events.filter((x) => x.label === label)) {
        if (e.type === 'start') {
          expect(open, `${label}: a start while the event of ${open?.startedAt} is open`).toBeUndefined();
          open = e;
        } else if (open !== undefined || e.reason !== 'restart') {
          // (A kill between storing a start and publishing it ends a start nobody saw: allowed.)
          expect(e.startedAt, `${label}: an ${e.type} of another event`).toBe(open?.startedAt);
          if (e.type === 'end') open = undefined;
        }
      }
    }
    for (const e of events) expect(schemaErrors('event', e)).toEqual([]);
  } finally {
    for (const child of children) await child.kill9();
    await sub.close();
  }
});
