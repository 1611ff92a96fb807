// GET /api/cameras/<id>/stream.mjpeg on a running daemon (a file camera, the brightness model, the
// embedded broker): real ffmpeg reads it, two clients share one encode per frame, a client that
// never reads has frames skipped (mjpeg-backpressure.test.ts), the token is asked for, and an unknown camera is a 404.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/daemon.js';
import { writeBrightnessModel, writeFrames } from '../daemon/fixtures.js';
import { missingTool } from '../system-tools.js';

const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };
let dir: string;
let daemon: Daemon;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-mjpeg-'));
  const [model, frames] = await Promise.all([
    writeBrightnessModel(join(dir, 'model')),
    writeFrames(join(dir, 'frames'), 160, 120, 3, 3),
  ]);
  const file = join(dir, 'edgecam.yaml');
  await writeFile(
    file,
    `device: mjpeg-test
stateDir: ${join(dir, 'state')}
http: { port: 0, token: ${TOKEN} }
mqtt: { broker: { port: 0 }, homeAssistant: { enabled: false } }
inference: { accelerator: cpu }
cameras:
  - id: demo
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    fps: 10
    width: 160
    height: 120
    model: ${model}
`,
  );
  daemon = await Daemon.start(await loadConfig({ file, env: {} }), { logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await daemon?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${daemon.url}/metrics`, { headers: auth })).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Reads a stream's parts (JPEG bytes and X-Frame-Seq) until `count`, then closes it. */
async function readParts(path: string, count: number): Promise<{ seq: number; jpeg: Buffer }[]> {
  const res = await fetch(`${daemon.url}${path}`, { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('multipart/x-mixed-replace; boundary=edgecam-frame');
  const reader = res.body!.getReader();
  const parts: { seq: number; jpeg: Buffer }[] = [];
  let buffered = Buffer.alloc(0);
  while (parts.length < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${parts.length} parts`);
    buffered = Buffer.concat([buffered, value]);
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      if (headEnd < 0) break;
      const head = buffered.subarray(0, headEnd).toString();
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
      const seq = Number(/x-frame-seq: (\d+)/i.exec(head)?.[1]);
      if (buffered.length < headEnd + 4 + length + 2) break;
      parts.push({ seq, jpeg: Buffer.from(buffered.subarray(headEnd + 4, headEnd + 4 + length)) });
      buffered = buffered.subarray(headEnd + 4 + length + 2);
    }
  }
  await reader.cancel();
  return parts;
}

/** Resolves once `name` reaches `value` (polls /metrics; the test's timeout catches a hang). */
async function metricReaches(name: string, value: number): Promise<number> {
  for (;;) {
    const now = await metric(name);
    if (now >= value) return now;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const noFfmpeg = missingTool('ffmpeg');

describe('the MJPEG stream', () => {
  it('is read by ffmpeg: three decodable JPEGs of the camera size', async ({ skip }) => {
    if (noFfmpeg !== undefined) skip(noFfmpeg);
    const out = join(dir, 'ffmpeg');
    await promisify(execFile)('mkdir', ['-p', out]);
    await promisify(execFile)(
      'ffmpeg',
      [
        '-loglevel',
        'error',
        '-headers',
        `Authorization: Bearer ${TOKEN}\r\n`,
        '-i',
        `${daemon.url}/api/cameras/demo/stream.mjpeg`,
        '-frames:v',
        '3',
        '-f',
        'image2',
        join(out, 'out%d.jpg'),
      ],
      { timeout: 30_000 },
    );
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['out1.jpg', 'out2.jpg', 'out3.jpg']);
    for (const f of files) {
      const { width, height, format } = await sharp(await readFile(join(out, f))).metadata();
      expect({ width, height, format }).toEqual({ width: 160, height: 120, format: 'jpeg' });
    }
  });

  it('encodes each frame once for two clients: the frames both got are the same bytes', async () => {
    const [a, b] = await Promise.all([
      readParts('/api/cameras/demo/stream.mjpeg?fps=10', 8),
      readParts('/api/cameras/demo/stream.mjpeg?fps=10', 8),
    ]);
    const shared = b.filter((p) => a.some((q) => q.seq === p.seq));
    // In step from the second frame on (jpeg-stream.ts): the later ones all came from one encode.
    expect(shared.length).toBeGreaterThanOrEqual(6);
    for (const p of shared) expect(p.jpeg.equals(a.find((q) => q.seq === p.seq)!.jpeg)).toBe(true);
  });

  it('sends the raw picture with ?raw=1, and no encode runs once every client has left', async () => {
    const [raw] = await readParts('/api/cameras/demo/stream.mjpeg?raw=1', 1);
    expect((await sharp(raw!.jpeg).metadata()).width).toBe(160);
    for (;;) {
      if ((await metric('edgecam_stream_clients{camera="demo"}')) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const encoded = await metric('edgecam_stream_frames_encoded_total{camera="demo",variant="raw"}');
    const captured = await metric('edgecam_frames_captured_total{camera="demo"}');
    await metricReaches('edgecam_frames_captured_total{camera="demo"}', captured + 5);
    expect(await metric('edgecam_stream_frames_encoded_total{camera="demo",variant="raw"}')).toBe(encoded);
  });

  it('asks for the token, says what is wrong with a bad option, and 404s an unknown camera', async () => {
    const url = `${daemon.url}/api/cameras/demo/stream.mjpeg`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const unknown = await fetch(`${daemon.url}/api/cameras/nope/stream.mjpeg`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no camera "nope"' });
    const badFps = await fetch(`${url}?fps=0`, { headers: auth });
    expect(badFps.status).toBe(400);
    expect(((await badFps.json()) as { error: string }).error).toContain(
      'fps=0: use a number of frames a second above 0',
    );
    const badRaw = await fetch(`${url}?raw=maybe`, { headers: auth });
    expect(badRaw.status).toBe(400);
    expect(((await badRaw.json()) as { error: string }).error).toContain('raw=maybe: use raw=1');
    expect((await fetch(`${daemon.url}/api/cameras/demo/other`, { headers: auth })).status).toBe(404);
  });
});
