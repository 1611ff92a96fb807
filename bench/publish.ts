// npm run bench:publish: messages per second through edgecam's MQTT publisher to a local
// mosquitto, next to mosquitto_pub sending the same payloads in the same run: detection payloads
// at QoS 0 and QoS 1, and 50 KB edge maps. One receiver (a worker thread) times both. The
// issue's goals: the publisher is never the bottleneck (>= 10x the fastest camera's frame rate)
// and within 2x of mosquitto_pub.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { configSchema } from '../src/config/schema.js';
import type { CameraPublisher } from '../src/publish/camera-publisher.js';
import { MqttPublisher } from '../src/publish/publisher.js';
import { startMosquitto } from '../test/integration/publish/mosquitto.js';
import { median } from './timing.js';

const RUNS = 3;
/** BENCH_SCALE=0.1 runs a tenth of the messages (a quick look). */
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const FASTEST_CAMERA_FPS = 30;

interface Case {
  readonly label: string;
  readonly qos: 0 | 1;
  readonly count: number;
  readonly payload: (camera: CameraPublisher) => string | Buffer;
  readonly send: (camera: CameraPublisher, payload: string | Buffer, seq: number) => boolean;
}

const frame = (seq: number) => ({ seq, timestamp: Date.now() });
const detections = [
  { label: 'stop', classId: 0, score: 0.93, box: { x: 0.41, y: 0.22, w: 0.12, h: 0.16 } },
  { label: 'yield', classId: 4, score: 0.71, box: { x: 0.05, y: 0.6, w: 0.1, h: 0.14 } },
];
const edgeMap = Buffer.alloc(50 * 1024, 7);

const CASES: Case[] = [
  {
    label: 'detections (~500 B), QoS 0',
    qos: 0,
    count: Math.ceil(20_000 * SCALE),
    payload: (c) => c.writer.detections(frame(0), detections, 12.5),
    send: (c, _p, seq) => c.detections(frame(seq), detections, 12.5),
  },
  {
    label: 'detections (~500 B), QoS 1',
    qos: 1,
    count: Math.ceil(10_000 * SCALE),
    payload: (c) => c.writer.detections(frame(0), detections, 12.5),
    send: (c, _p, seq) => c.detections(frame(seq), detections, 12.5),
  },
  {
    label: 'edge map 50 KB, QoS 0',
    qos: 0,
    count: Math.ceil(2_000 * SCALE),
    payload: () => edgeMap,
    send: (c) => c.edges(edgeMap),
  },
];

const broker = await startMosquitto();
const dir = await mkdtemp('/tmp/edgecam-bench-');
const rows: string[][] = [];
try {
  for (const c of CASES) {
    const topicBase = c.label.startsWith('edge') ? 'edges' : 'detections';
    const topic = `edgecam/bench/front/${topicBase}`;
    const receiver = await startReceiver(broker.url, topic, c.qos);
    const publisher = await MqttPublisher.start({
      config: configSchema.parse({
        device: 'bench',
        stateDir: join(dir, `state-${c.qos}-${topicBase}`),
        mqtt: {
          url: broker.url,
          protocolVersion: 5,
          detections: { qos: c.qos },
          edges: { interval: 0 },
          homeAssistant: { enabled: false },
        },
      }),
    });
    await publisher.whenConnected();
    const camera = publisher.camera('front', {
      model: { name: 'signs', version: '1.0.0' },
      image: { width: 640, height: 480 },
    });
    const payload = c.payload(camera);
    const file = join(dir, 'payload');
    await writeFile(file, payload);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(await timed(receiver, c.count, () => sendAll(camera, c, payload)));
      theirs.push(
        await timed(receiver, c.count, () =>
          mosquittoPub([
            '-p',
            String(broker.port),
            '-t',
            topic,
            '-q',
            String(c.qos),
            '-f',
            file,
            '--repeat',
            String(c.count),
          ]),
        ),
      );
    }
    await publisher.stop();
    await receiver.close();
    const a = median(ours);
    const b = median(theirs);
    rows.push([
      c.label,
      fmt(a),
      fmt(b),
      (a / b).toFixed(2),
      a >= 10 * FASTEST_CAMERA_FPS && a >= b / 2 ? 'yes' : 'NO',
    ]);
  }
} finally {
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `\nMQTT publishing to a local mosquitto, messages per second (median of ${RUNS} runs, same receiver)\n`,
);
const header = [
  'payload',
  'edgecam',
  'mosquitto_pub',
  'edgecam / mosquitto_pub',
  `goal met (>= ${10 * FASTEST_CAMERA_FPS}/s, >= 0.5x)`,
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const row of rows) console.log(line(row));
console.log(
  `\nThe fastest camera config here is ${FASTEST_CAMERA_FPS} fps: 10x is ${10 * FASTEST_CAMERA_FPS} messages/s per kind.` +
    '\nmosquitto_pub figures include its process start (a few ms).',
);

async function sendAll(camera: CameraPublisher, c: Case, payload: string | Buffer): Promise<void> {
  let sent = 0;
  while (sent < c.count) {
    if (c.send(camera, payload, sent)) sent++;
    // The window is full: let the socket drain.
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

async function mosquittoPub(args: string[]): Promise<void> {
  const child = spawn('mosquitto_pub', ['-h', '127.0.0.1', ...args], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`mosquitto_pub exited with ${code}`);
}

interface Receiver {
  /** Arms the receiver for `count` messages; `done` resolves with the time the last arrived. */
  expect(count: number): Promise<{ done: Promise<number> }>;
  close(): Promise<void>;
}

async function startReceiver(url: string, topic: string, qos: 0 | 1): Promise<Receiver> {
  const worker = new Worker(new URL('./publish-subscriber.mjs', import.meta.url), {
    workerData: { url, topic, qos },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', function ready(m: { ready?: boolean }) {
      if (m.ready) {
        worker.off('message', ready);
        resolve();
      }
    });
  });
  return {
    async expect(count) {
      const done = new Promise<number>((resolve) => {
        worker.on('message', function finished(m: { done?: number }) {
          if (m.done !== undefined) {
            worker.off('message', finished);
            resolve(m.done);
          }
        });
      });
      await new Promise<void>((resolve) => {
        worker.on('message', function armed(m: { armed?: boolean }) {
          if (m.armed) {
            worker.off('message', armed);
            resolve();
          }
        });
        worker.postMessage({ expect: count });
      });
      return { done };
    },
    async close() {
      worker.postMessage({ close: true });
      await once(worker, 'exit');
    },
  };
}

/** Messages per second: from the first send until the receiver has them all. */
async function timed(receiver: Receiver, count: number, send: () => Promise<void>): Promise<number> {
  const { done } = await receiver.expect(count);
  const start = performance.timeOrigin + performance.now();
  await send();
  const end = await done;
  return count / ((end - start) / 1000);
}

function fmt(rate: number): string {
  return rate >= 1000 ? `${Math.round(rate / 100) / 10}k` : String(Math.round(rate));
}
