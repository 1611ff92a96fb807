// The daemon end to end: `edgecam run` as a child process (the built CLI), a file camera replaying
// bright and dark frames, a generated model whose 'stop' score is the frame's brightness, and
// Debian's mosquitto on a free port. What a subscriber and an HTTP client see is what users see.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Mosquitto, noMosquitto, startMosquitto } from '../publish/mosquitto.js';
import { schemaErrors } from '../publish/schemas.js';
import { type Received, type Subscriber, subscribe } from '../publish/subscriber.js';
import { type DaemonChild, startDaemon } from './daemon-child.js';
import { writeBrightnessModel, writeFrames } from './fixtures.js';

const PREFIX = 'edgecam/e2e';
const json = (m: Received) => JSON.parse(m.payload.toString()) as Record<string, unknown>;
const labelsOf = (m: Received) => (json(m).detections as { label: string }[]).map((d) => d.label);

let dir: string;
let broker: Mosquitto;
let model: string;
let frames: string;

function config(threshold: number, device = 'e2e', fps = 20): string {
  return `device: ${device}
stateDir: ${join(dir, `state-${device}`)}
http:
  port: 0
mqtt:
  url: ${broker.url}
  healthInterval: 1
  edges:
    interval: 0.5
cameras:
  - id: cam
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    width: 160
    height: 120
    fps: ${fps}
    preprocess: denoise
    edges: edges
    model: ${model}
    threshold: ${threshold}
    events: { smoothing: { kernel: mean, frames: 3 }, start: 0.5, end: 0.25 }
    # The brightness model's boxes are fixed anchors, not objects: on a crop they would land
    # elsewhere in the frame. Motion is still detected and published; the model runs on every frame.
    detect: { mode: always }
`;
}

// Every test here writes a config that names the broker: without mosquitto, all are skipped.
beforeEach(({ skip }) => {
  if (noMosquitto !== undefined) skip(noMosquitto);
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-daemon-'));
  if (noMosquitto !== undefined) return;
  [broker, model, frames] = await Promise.all([
    startMosquitto(),
    writeBrightnessModel(join(dir, 'model')),
    writeFrames(join(dir, 'frames'), 160, 120, 12, 12),
  ]);
});

afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('edgecam run', () => {
  let child: DaemonChild;
  let sub: Subscriber;
  let configFile: string;
  let httpUrl: string;

  beforeAll(async () => {
    if (noMosquitto !== undefined) return;
    sub = await subscribe(broker.url, [`${PREFIX}/#`, 'homeassistant/#']);
    configFile = join(dir, 'e2e.yaml');
    await writeFile(configFile, config(0.5));
    child = startDaemon(configFile);
    const live = await child.waitForLog((l) => l.msg.startsWith('live view: '), 'the live-view line');
    httpUrl = String(live.url).replace(/\/$/, '');
  });

  afterAll(async () => {
    await child?.kill9();
    await sub?.close();
  });

  it('prints the live-view URL and a command to watch MQTT first', async () => {
    await child.waitForLog((l) => l.msg === 'edgecam running', 'running');
    const messages = child.lines.map((l) => l.msg);
    expect(messages.findIndex((m) => m.startsWith('live view: http://127.0.0.1:'))).toBeLessThan(3);
    expect(
      messages.some(
        (m) =>
          // mosquitto, not the embedded broker: the line does not say "(the embedded broker ...)".
          m === `watch MQTT: mosquitto_sub -h 127.0.0.1 -p ${broker.port} -t '${PREFIX}/#' -v`,
      ),
    ).toBe(true);
    // scripts/board-smoke.sh finds the broker to subscribe to in this field of that line.
    expect(child.lines.find((l) => l.msg.startsWith('watch MQTT:'))).toMatchObject({
      broker: `mqtt://127.0.0.1:${broker.port}`,
    });
  });

  it('publishes online, detections with the model labels, events that start and end, and a snapshot', async () => {
    await sub.waitFor((m) => m.topic === `${PREFIX}/status` && m.payload.toString() === 'online', 'online');
    const stop = await sub.waitFor(
      (m) => m.topic === `${PREFIX}/cam/detections` && labelsOf(m).includes('stop'),
    );
    expect(json(stop)).toMatchObject({
      device: 'e2e',
      camera: 'cam',
      model: { name: 'brightness', version: '1.0.0' },
      image: { width: 160, height: 120 },
    });
    await sub.waitFor((m) => m.topic === `${PREFIX}/cam/detections` && !labelsOf(m).includes('stop'));
    const start = await sub.waitFor(
      (m) => m.topic === `${PREFIX}/cam/events` && json(m).type === 'start' && json(m).label === 'stop',
    );
    const end = await sub.waitFor(
      (m) => m.topic === `${PREFIX}/cam/events` && json(m).type === 'end' && json(m).label === 'stop',
    );
    expect(json(end).startedAt).toBe(json(start).startedAt);
    // 'yield' is in every frame: it starts once and never ends.
    const yields = sub.messages.filter(
      (m) => m.topic === `${PREFIX}/cam/events` && json(m).label === 'yield',
    );
    expect(yields.map((m) => json(m).type)).toEqual(['start']);
    const snapshot = await sub.waitFor((m) => m.topic === `${PREFIX}/cam/snapshot`);
    expect((await sharp(snapshot.payload).metadata()).format).toBe('jpeg');
  });

  it('tracks the yield sign that is in every frame: one id (of run 1: a fresh stateDir), its age growing', async () => {
    type Tracked = { label: string; id?: string; age?: number };
    const yieldOf = (m: Received) => (json(m).detections as Tracked[]).find((d) => d.label === 'yield');
    await sub.waitFor((m) => m.topic === `${PREFIX}/cam/detections` && (yieldOf(m)?.age ?? 0) >= 5);
    const seen = sub.messages.filter((m) => m.topic === `${PREFIX}/cam/detections`);
    expect(seen.every((m) => json(m).v === 2)).toBe(true);
    const yields = seen.map(yieldOf).filter((d) => d !== undefined);
    const ids = new Set(yields.flatMap((d) => (d.id === undefined ? [] : [d.id])));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^1-[0-9]+$/);
    const ages = yields.map((d) => d.age!);
    expect(ages.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('publishes an edge map PNG of the frame size, the health report and Home Assistant discovery', async () => {
    const edges = await sub.waitFor((m) => m.topic === `${PREFIX}/cam/edges`);
    const meta = await sharp(edges.payload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 160, 120]);
    const health = await sub.waitFor((m) => m.topic === `${PREFIX}/health`);
    expect(json(health)).toMatchObject({ device: 'e2e', mqtt: { connected: true } });
    const discovery = await sub.waitFor(
      (m) =>
        m.topic.startsWith('homeassistant/') &&
        m.topic.endsWith('/config') &&
        m.payload.toString().includes(`${PREFIX}/cam/`),
    );
    expect(json(discovery)).toMatchObject({ availability_topic: `${PREFIX}/status` });
  });

  it('publishes motion retained, off while the picture stays and on when it changes, with a Home Assistant motion sensor', async () => {
    const isMotion = (m: Received) => m.topic === `${PREFIX}/cam/motion`;
    // The replay's first frames are all alike: off. At the first cut from bright to dark the gray
    // darkens (a lighting change, fitted away) but the white square does not: it is what moved.
    const off = await sub.waitFor((m) => isMotion(m) && json(m).state === 'off', 'motion off');
    const on = await sub.waitFor((m) => isMotion(m) && json(m).state === 'on', 'motion on');
    for (const m of [off, on]) expect(schemaErrors('motion', json(m))).toEqual([]);
    // Retained: a subscriber that comes later gets the latest at once.
    const late = await subscribe(broker.url, `${PREFIX}/cam/motion`);
    try {
      expect((await late.waitFor(isMotion, 'the retained motion')).retain).toBe(true);
    } finally {
      await late.close();
    }
    expect(json(on)).toMatchObject({ camera: 'cam', global: false });
    // The square is the frame's second quarter across and down: its centre (0.375, 0.375) is in the region.
    const [region] = json(on).regions as { x: number; y: number; w: number; h: number }[];
    expect(region!.x).toBeLessThan(0.375);
    expect(region!.x + region!.w).toBeGreaterThan(0.375);
    expect(region!.y).toBeLessThan(0.375);
    expect(region!.y + region!.h).toBeGreaterThan(0.375);
    const sensor = await sub.waitFor(
      (m) => m.topic === 'homeassistant/binary_sensor/edgecam_e2e/cam_motion/config',
    );
    expect(json(sensor)).toMatchObject({ device_class: 'motion', state_topic: `${PREFIX}/cam/motion` });
    const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/edgecam_motion_frames_total\{camera="cam"\} [1-9]/);
    expect(metrics).toMatch(/edgecam_motion_share\{camera="cam"\} /);
    // detect.mode always: the model ran on every frame.
    expect(metrics).toMatch(/edgecam_inference_skipped_total\{camera="cam"\} 0/);
  });

  it('answers /healthz, /readyz and /metrics, which counts frames', async () => {
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${httpUrl}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const metrics = await (await fetch(`${httpUrl}/metrics`)).text();
    const captured = /edgecam_frames_captured_total\{camera="cam"\} (\d+)/.exec(metrics);
    expect(Number(captured?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/edgecam_stage_duration_seconds_count\{camera="cam",stage="inference"\} [1-9]/);
    expect(metrics).toMatch(/edgecam_inference_info\{provider="cpu",model="brightness",version="1.0.0"\} 1/);
  });

  it('serves the live view status and the latest annotated frame', async () => {
    const status = (await (await fetch(`${httpUrl}/api/status`)).json()) as {
      cameras: { id: string; model: string }[];
    };
    expect(status.cameras.map((c) => [c.id, c.model])).toEqual([['cam', 'brightness 1.0.0']]);
    // The first ask starts the encoding; a later one gets a JPEG (204 until then: asked again for
    // as long as it takes, which the test's timeout bounds).
    let res = await fetch(`${httpUrl}/cameras/cam/frame.jpg`);
    while (res.status === 204) {
      await new Promise((r) => setTimeout(r, 100));
      res = await fetch(`${httpUrl}/cameras/cam/frame.jpg`);
    }
    expect(res.status).toBe(200);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(160);
  });

  it('applies a new threshold on SIGHUP without a restart', async () => {
    const detections = () => sub.messages.filter((m) => m.topic === `${PREFIX}/cam/detections`);
    // Before: every frame has the 0.6 yield.
    expect(detections().every((m) => labelsOf(m).includes('yield'))).toBe(true);
    await writeFile(configFile, config(0.7));
    child.process.kill('SIGHUP');
    await child.waitForLog((l) => l.msg === 'reload: camera settings applied', 'the reload');
    await sub.waitFor((m) => m.topic === `${PREFIX}/cam/detections` && !labelsOf(m).includes('yield'));
    await sub.waitFor((m) => m.topic === `${PREFIX}/cam/state` && json(m).threshold === 0.7);
    // Retained: a newcomer reads the new threshold.
    const late = await subscribe(broker.url, `${PREFIX}/cam/state`);
    const state = await late.waitFor(() => true);
    await late.close();
    expect([json(state).threshold, state.retain]).toEqual([0.7, true]);
    expect(child.lines.filter((l) => l.msg === 'edgecam running')).toHaveLength(1);
  });

  it('takes the new threshold on a SIGHUP that also restarts the camera', async () => {
    await writeFile(configFile, config(0.65, 'e2e', 10));
    child.process.kill('SIGHUP');
    await child.waitForLog(
      (l) => l.msg === 'reload: camera restarted (its source or model changed)',
      'the restart',
    );
    await sub.waitFor((m) => m.topic === `${PREFIX}/cam/state` && json(m).threshold === 0.65);
    const late = await subscribe(broker.url, `${PREFIX}/cam/state`);
    const state = await late.waitFor(() => true);
    await late.close();
    expect([json(state).threshold, state.retain]).toEqual([0.65, true]);
  });

  it('stops on SIGTERM with exit 0, by its clean stop rather than the forced exit, leaving "offline" retained', async () => {
    child.process.kill('SIGTERM');
    const { code } = await child.exited();
    expect(code).toBe(0);
    // The 5 s systemd allows are kept by a forced exit at 4.5 s (run-command.ts), which logs that it
    // stepped in; the clean stop must finish before it. Wall time is not measured: on a busy
    // machine it also counts the wait for this process to be scheduled.
    const messages = child.lines.map((l) => l.msg);
    expect(messages).toContain('SIGTERM: stopping');
    expect(messages.filter((m) => m.includes('exiting anyway'))).toEqual([]);
    const late = await subscribe(broker.url, `${PREFIX}/status`);
    const status = await late.waitFor(() => true);
    await late.close();
    expect([status.payload.toString(), status.retain]).toEqual(['offline', true]);
  });
});

describe('edgecam run, killed with kill -9', () => {
  it("leaves the last will's offline status", async () => {
    const file = join(dir, 'kill9.yaml');
    await writeFile(file, config(0.5, 'kill9'));
    const watcher = await subscribe(broker.url, 'edgecam/kill9/status');
    const child = startDaemon(file);
    try {
      await watcher.waitFor((m) => m.payload.toString() === 'online');
      await child.kill9();
      await watcher.waitFor((m) => m.payload.toString() === 'offline');
    } finally {
      await child.kill9();
      await watcher.close();
    }
  });
});

describe('edgecam run with a bad config', () => {
  it('exits 78 for a label filter the model does not have, naming the label and a fix', async () => {
    const file = join(dir, 'bad-label.yaml');
    await writeFile(file, `${config(0.5, 'bad')}    labels: [stpo]\n`);
    const child = startDaemon(file);
    const { code } = await child.exited();
    expect(code).toBe(78);
    expect(child.stderr()).toContain('labels "stpo" is not a label of model brightness');
    expect(child.stderr()).toContain('did you mean "stop"?');
    expect(child.stderr()).toContain('EDGECAM_ERR_CONFIG_LABEL');
  });

  it('names every camera that cannot start, not only the first', async () => {
    const file = join(dir, 'two-bad.yaml');
    const second = `  - id: cam2
    source: { kind: file, path: ${frames} }
    width: 160
    height: 120
    model: ${join(dir, 'no-such-model')}
`;
    await writeFile(file, `${config(0.5, 'bad3')}    labels: [stpo]\n${second}`);
    const child = startDaemon(file);
    const { code } = await child.exited();
    expect(code).toBe(78);
    expect(child.stderr()).toContain('2 problems in');
    expect(child.stderr()).toContain('cameras[0].labels');
    expect(child.stderr()).toContain('cameras[1].model');
  });

  it('exits 78 for an invalid config', async () => {
    const file = join(dir, 'bad-events.yaml');
    await writeFile(file, `${config(0.5, 'bad2')}    enabled: maybe\n`);
    const child = startDaemon(file);
    const { code } = await child.exited();
    expect(code).toBe(78);
    expect(child.stderr()).toContain('enabled');
  });
});
