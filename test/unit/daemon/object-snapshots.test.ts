import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CameraConfig } from '../../../src/config/schema.js';
import { type Config, cameraSchema, configSchema } from '../../../src/config/schema.js';
import {
  cameraObjectSnapshots,
  keptSnapshotUrl,
  withSnapshot,
} from '../../../src/daemon/camera-object-snapshots.js';
import { MAX_PENDING, type ObjectSnapshot, ObjectSnapshots } from '../../../src/daemon/object-snapshots.js';
import { Tasks } from '../../../src/daemon/tasks.js';
import type { Detection, ObjectEvent } from '../../../src/detection.js';
import type { Frame } from '../../../src/frame.js';
import { createMetrics } from '../../../src/health/metrics.js';

let dir: string;
const silent = pino({ level: 'silent' });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-object-snapshots-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A flat grey frame of `level`, 64x48. */
function frame(level: number, seq = 1): Frame {
  const data = new Uint8Array(64 * 48 * 3).fill(level);
  return { source: 'cam', seq, timestamp: 1_000 + seq, width: 64, height: 48, channels: 3, data };
}

const person = (id: string): Detection => ({
  label: 'person',
  classId: 0,
  score: 0.9,
  box: { x: 0.25, y: 0.25, w: 0.5, h: 0.5 },
  id,
});

const snapshot = (level: number, id = 'x'): ObjectSnapshot => ({
  frame: frame(level),
  detections: [person(id)],
});

function counter() {
  return {
    n: 0,
    inc() {
      this.n++;
    },
  };
}

async function store(options: { keep?: number; dir?: string } = {}) {
  const failures: { op: string; err: unknown }[] = [];
  const dropped = counter();
  const tasks = new Tasks(silent);
  const s = await ObjectSnapshots.open({
    dir: options.dir ?? join(dir, 'cam'),
    keep: options.keep ?? 100,
    tasks,
    dropped,
    failed: (op, err) => failures.push({ op, err }),
  });
  return { s, failures, dropped, tasks };
}

/** The mean grey level of a stored JPEG's top-left corner (outside the box). */
async function cornerLevel(jpeg: Buffer): Promise<number> {
  const { data } = await sharp(jpeg).extract({ left: 0, top: 0, width: 8, height: 8 }).raw().toBuffer({
    resolveWithObject: true,
  });
  return data.reduce((a, b) => a + b, 0) / data.length;
}

describe('the object snapshot store', () => {
  it('writes a JPEG of the frame, the object boxed, and replaces it with a later sighting', async () => {
    const { s, failures } = await store();
    s.offer('1-1', snapshot(40, '1-1'));
    const first = await s.read('1-1');
    expect(first).toBeDefined();
    const meta = await sharp(first!).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(await cornerLevel(first!)).toBeLessThan(60);
    // The box is drawn: the annotated frame is not flat grey.
    const { data } = await sharp(first!).raw().toBuffer({ resolveWithObject: true });
    expect(Math.max(...data) - Math.min(...data)).toBeGreaterThan(60);

    s.offer('1-1', snapshot(200, '1-1'));
    await s.idle();
    const second = await readFile(join(dir, 'cam', '1-1.jpg'));
    expect(await cornerLevel(second)).toBeGreaterThan(180);
    expect(await readdir(join(dir, 'cam'))).toEqual(['1-1.jpg']);
    expect(failures).toEqual([]);
  });

  it('keeps at most `keep` objects, deleting the least recently written first', async () => {
    const { s } = await store({ keep: 2 });
    for (const id of ['1-1', '1-2', '1-3']) {
      s.offer(id, snapshot(100, id));
      await s.idle();
    }
    expect((await readdir(join(dir, 'cam'))).sort()).toEqual(['1-2.jpg', '1-3.jpg']);
    expect(s.has('1-1')).toBe(false);
    expect(await s.read('1-1')).toBeUndefined();
    // A better sighting of 1-2 makes it the newest: 1-3 goes next.
    s.offer('1-2', snapshot(120, '1-2'));
    await s.idle();
    s.offer('1-4', snapshot(100, '1-4'));
    await s.idle();
    expect((await readdir(join(dir, 'cam'))).sort()).toEqual(['1-2.jpg', '1-4.jpg']);
  });

  it('indexes the files found at start by mtime, so the bound holds across restarts', async () => {
    const cam = join(dir, 'cam');
    await mkdir(cam, { recursive: true });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    // Written in one order, aged in another: the mtime decides.
    for (const [i, id] of ['7-3', '7-1', '7-2'].entries()) {
      await writeFile(join(cam, `${id}.jpg`), jpeg);
      await utimes(join(cam, `${id}.jpg`), 1_000_000 + i * 60, 1_000_000 + i * 60);
    }
    await writeFile(join(cam, '7-4.jpg.tmp'), 'half a write');
    await writeFile(join(cam, 'notes.txt'), 'not ours');
    const { s } = await store({ keep: 2 });
    expect(s.size).toBe(2);
    expect((await readdir(cam)).sort()).toEqual(['7-1.jpg', '7-2.jpg', 'notes.txt']);
    expect(await s.read('7-1')).toEqual(jpeg);
    s.offer('8-1', snapshot(100, '8-1'));
    await s.idle();
    expect((await readdir(cam)).sort()).toEqual(['7-2.jpg', '8-1.jpg', 'notes.txt']);
  });

  it('has one encode in flight, the latest request per object, and drops the oldest object past the pending bound', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const encoded: number[] = [];
    const dropped = counter();
    const s = await ObjectSnapshots.open({
      dir: join(dir, 'cam'),
      keep: 100,
      tasks: new Tasks(silent),
      dropped,
      failed: () => {},
      encode: async ({ frame: f }) => {
        encoded.push(f.seq);
        await gate;
        return Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
      },
    });
    s.offer('a', { frame: frame(1, 1), detections: [] }); // in flight
    s.offer('b', { frame: frame(1, 2), detections: [] });
    s.offer('b', { frame: frame(1, 3), detections: [] }); // replaces b's: not a drop
    for (let i = 0; i < MAX_PENDING; i++) s.offer(`c${i}`, { frame: frame(1, 10 + i), detections: [] });
    expect(dropped.n).toBe(1); // b, the oldest waiting
    expect(s.has('b')).toBe(false);
    expect(s.has('c0')).toBe(true);
    release();
    await s.idle();
    expect(encoded).toEqual([1, 10, 11, 12, 13]);
    expect(s.size).toBe(1 + MAX_PENDING);
  });

  it('reports a folder it cannot write to and goes on (no throw), without a file or a half one', async () => {
    // A regular file where the folder should be: no user, root included, can write under it.
    await writeFile(join(dir, 'file'), 'in the way');
    const { s, failures } = await store({ dir: join(dir, 'file', 'cam') });
    s.offer('1-1', snapshot(100, '1-1'));
    s.offer('1-2', snapshot(100, '1-2'));
    await s.idle();
    // Its folder could not be read at start either.
    expect(failures.map((f) => f.op)).toEqual(['index', 'write', 'write']);
    expect((failures[1]!.err as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(s.has('1-1')).toBe(false);
    expect(await s.read('1-1')).toBeUndefined();
  });

  it('refuses object ids that could name a file outside its folder', async () => {
    const { s } = await store();
    s.offer('../escape', snapshot(100));
    await s.idle();
    expect(await readdir(dir)).toEqual([]);
    expect(await s.read('../cam/x')).toBeUndefined();
  });
});

describe("a camera's object snapshots", () => {
  const camera = (events: object): CameraConfig =>
    cameraSchema.parse({ id: 'cam', source: { kind: 'synthetic' }, events }) as CameraConfig;

  it('are kept only at events.level object with keep above 0', async () => {
    const metrics = createMetrics({ processMetrics: false, throttled: async () => null });
    const deps = { logger: silent, metrics, tasks: new Tasks(silent) };
    expect(await cameraObjectSnapshots(dir, camera({}), deps)).toBeUndefined();
    expect(
      await cameraObjectSnapshots(dir, camera({ level: 'object', snapshots: { keep: 0 } }), deps),
    ).toBeUndefined();
    expect(await cameraObjectSnapshots(dir, camera({ level: 'object' }), deps)).toBeInstanceOf(
      ObjectSnapshots,
    );
  });

  it('count every write failure and log each kind once at warn', async () => {
    await writeFile(join(dir, 'file'), 'in the way');
    const lines: { level: number; msg: string; op?: string }[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(chunk.toString()));
          done();
        },
      }),
    );
    const metrics = createMetrics({ processMetrics: false, throttled: async () => null });
    const tasks = new Tasks(logger);
    const store = await cameraObjectSnapshots(join(dir, 'file'), camera({ level: 'object' }), {
      logger,
      metrics,
      tasks,
    });
    for (const id of ['1-1', '1-2', '1-3']) {
      store!.offer(id, snapshot(100, id));
      await store!.idle();
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('edgecam_object_snapshots_errors_total{camera="cam",op="write"} 3');
    const failed = lines.filter((l) => l.op === 'write');
    expect(failed.map((l) => l.level)).toEqual([40, 20, 20]); // warn once, then debug
    expect(failed[0]!.msg).toContain('cannot write an object snapshot');
  });

  it('name the snapshot on an object end only while the store holds one', async () => {
    const { s } = await store();
    const end = {
      type: 'end',
      objectId: '1-1',
      label: 'person',
      frame: { seq: 3, timestamp: 3 },
      score: 0.9,
      count: 0,
      startedAt: 1,
      box: { x: 0, y: 0, w: 1, h: 1 },
      zones: [],
      path: {
        firstBox: { x: 0, y: 0, w: 1, h: 1 },
        lastBox: { x: 0, y: 0, w: 1, h: 1 },
        zones: [],
        bestScore: 0.9,
        bestBox: { x: 0, y: 0, w: 1, h: 1 },
      },
      reason: 'gone',
    } satisfies ObjectEvent;
    expect(withSnapshot(end, 'cam', s)).toBe(end);
    s.offer('1-1', snapshot(100, '1-1'));
    expect(withSnapshot(end, 'cam', s)).toMatchObject({ snapshot: '/cameras/cam/objects/1-1.jpg' });
    expect(withSnapshot({ ...end, type: 'start' }, 'cam', s)).not.toHaveProperty('snapshot');
    expect(withSnapshot(end, 'cam', undefined)).toBe(end);
    await s.idle();
  });

  it("name a snapshot an earlier run kept (a crash's restart end) while the camera keeps them", async () => {
    const config = (keep: number) =>
      configSchema.parse({
        stateDir: dir,
        cameras: [
          { id: 'cam', source: { kind: 'synthetic' }, events: { level: 'object', snapshots: { keep } } },
        ],
      }) as Config;
    await mkdir(join(dir, 'snapshots', 'cam'), { recursive: true });
    await writeFile(join(dir, 'snapshots', 'cam', '2-5.jpg'), 'a jpeg');
    expect(await keptSnapshotUrl(config(100), 'cam', '2-5')).toBe('/cameras/cam/objects/2-5.jpg');
    expect(await keptSnapshotUrl(config(100), 'cam', '2-6')).toBeUndefined();
    expect(await keptSnapshotUrl(config(0), 'cam', '2-5')).toBeUndefined();
    expect(await keptSnapshotUrl(config(100), 'gone', '2-5')).toBeUndefined();
  });
});
