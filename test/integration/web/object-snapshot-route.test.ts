// GET /cameras/<camera>/objects/<object>.jpg on the health server, served from a real object
// snapshot store (the daemon's, on a temp folder) holding a snapshot of a synthetic frame.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectJpegIn } from '../../../src/daemon/camera-object-snapshots.js';
import { ObjectSnapshots } from '../../../src/daemon/object-snapshots.js';
import { Tasks } from '../../../src/daemon/tasks.js';
import type { HealthServer } from '../../../src/health/http.js';
import { attachLiveView } from '../../../src/web/live-view.js';
import type { ObjectJpeg } from '../../../src/web/object-snapshot-route.js';
import { startHealthServer } from './health-server.js';
import { SceneSource } from './scene-source.js';

const TOKEN = 'objects-token';
let dir: string;
let server: HealthServer;
let outside: Buffer;

/** The scene's cameras, of which `front` keeps object snapshots in a real store and `side` keeps none. */
class StoreSource extends SceneSource {
  constructor(readonly store: ObjectSnapshots) {
    super(160, 120);
  }

  override async objectJpeg(cameraId: string, objectId: string): Promise<ObjectJpeg> {
    if (!this.cameras.has(cameraId)) return { found: 'no-camera' };
    return cameraId === 'front' ? objectJpegIn(this.store, objectId) : { found: 'not-kept' };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-object-route-'));
  const store = await ObjectSnapshots.open({
    dir: join(dir, 'snapshots', 'front'),
    keep: 10,
    tasks: new Tasks(pino({ level: 'silent' })),
    dropped: { inc() {} },
    failed: (op, err) => {
      throw new Error(`${op}: ${String(err)}`);
    },
  });
  const source = new StoreSource(store);
  source.addCamera('front');
  source.addCamera('side');
  const frame = {
    seq: 1,
    timestamp: 1,
    width: 160,
    height: 120,
    channels: 3 as const,
    data: source.scene.render(0),
    source: 'front',
  };
  const box = { x: 0.1, y: 0.1, w: 0.3, h: 0.4 };
  store.offer('5-2', { frame, detections: [{ label: 'stop', classId: 0, score: 0.9, box, id: '5-2' }] });
  await store.idle();
  // A file beside the store's folder that no request may reach.
  outside = Buffer.from('secret');
  await writeFile(join(dir, 'snapshots', 'secret.jpg'), outside);
  server = await startHealthServer(TOKEN);
  attachLiveView(server, source);
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${TOKEN}` };

/** GETs a raw path (node:http sends it as written, where fetch would resolve "..": what an attacker sends). */
function getRaw(path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: auth }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /cameras/<camera>/objects/<object>.jpg', () => {
  it('serves the stored JPEG: the frame, at its size', async () => {
    const res = await fetch(`${server.url}/cameras/front/objects/5-2.jpg`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await res.arrayBuffer());
    expect(await sharp(body).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 120 });
  });

  it('needs the token, as the camera’s other images do', async () => {
    const res = await fetch(`${server.url}/cameras/front/objects/5-2.jpg`);
    expect(res.status).toBe(401);
  });

  it('answers 404 with a JSON body that says why', async () => {
    const why = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: auth });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      return ((await res.json()) as { error: string }).error;
    };
    expect(await why('/cameras/back/objects/5-2.jpg')).toBe('no camera "back" is running');
    expect(await why('/cameras/front/objects/5-3.jpg')).toMatch(
      /camera "front" has no snapshot of object "5-3"/,
    );
    expect(await why('/cameras/side/objects/5-2.jpg')).toMatch(
      /keeps no object snapshots: set its events.level: object/,
    );
    expect(await why('/cameras/front/objects/5-2.png')).toMatch(/^not an object snapshot's address/);
  });

  it('reaches no file outside the store, however the path is written', async () => {
    for (const path of [
      '/cameras/front/objects/../secret.jpg',
      '/cameras/front/objects/..%2Fsecret.jpg',
      '/cameras/front/objects/%2e%2e%2fsecret.jpg',
      '/cameras/front/objects/..%5Csecret.jpg',
      '/cameras/..%2Fsnapshots/objects/secret.jpg',
      '/cameras/front/objects/%2Ftmp%2Fsecret.jpg',
      '/cameras/front/objects/.jpg',
    ]) {
      const res = await getRaw(path);
      expect(res.status, path).toBe(404);
      expect(res.type, path).toBe('application/json');
      expect(res.body.includes(outside), path).toBe(false);
    }
  });
});
