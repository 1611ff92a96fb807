// npm run bench:flood: the daemon (edgecam run, the built CLI) on the sample replay with the shipped
// sign model, publishing to Debian's mosquitto, while a client floods its command topics as an
// attacker on the local network could: 10,000 set/snapshot, 200,000 set/enabled (ON/OFF, ending ON)
// and 50,000 set/threshold messages, each burst as fast as mqtt.js sends them (QoS 0). Then the
// broker is stopped for 10 s and started again on the same port.
// Prints, next to the goals of the hardening issue: the daemon's RSS before and at its peak (goal:
// at most +50 MB), events lost (goal: 0: every event the daemon made reached the subscriber, none
// refused or dropped by the outbox), /healthz answer times during the flood (p50/p99/max; the
// daemon serves health meanwhile), how the commands were counted, and the time from the broker's
// return to the daemon's reconnection (goal: within 2 s).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { CLI } from '../test/integration/cli-helpers.js';
import { noMosquitto, startMosquitto } from '../test/integration/publish/mosquitto.js';

const DEVICE = 'flood';
const PREFIX = `edgecam/${DEVICE}`;
const FLOODS: readonly { setting: string; count: number; payload: (i: number) => string }[] = [
  { setting: 'snapshot', count: 10_000, payload: () => 'PRESS' },
  { setting: 'enabled', count: 200_000, payload: (i) => (i % 2 === 1 ? 'ON' : 'OFF') },
  { setting: 'threshold', count: 50_000, payload: (i) => (0.3 + (i % 60) / 100).toFixed(2) },
];
const BROKER_DOWN_MS = 10_000;

const progress = (what: string) => process.stderr.write(`bench:flood: ${what}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The sum of a metric's samples whose labels contain every `labels` pair. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function metrics(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** Starts the daemon; resolves with its process and its HTTP URL once it serves. */
async function startDaemon(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'run', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let partial = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`edgecam exited (${code}) before serving`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      for (const part of parts) {
        const line = JSON.parse(part) as { msg?: string; url?: string };
        if (line.msg?.startsWith('live view: ') === true) resolve(String(line.url).replace(/\/$/, ''));
      }
    });
  });
  return { child, url };
}

async function main(): Promise<void> {
  if (noMosquitto !== undefined) throw new Error(`bench:flood needs mosquitto: ${noMosquitto}`);
  const dir = mkdtempSync(join(tmpdir(), 'edgecam-bench-flood-'));
  let broker = await startMosquitto();
  const port = broker.port;
  const config = join(dir, 'flood.yaml');
  writeFileSync(
    config,
    `device: ${DEVICE}
stateDir: ${join(dir, 'state')}
log: { level: info }
http: { port: 0 }
mqtt:
  url: ${broker.url}
  healthInterval: 5
  snapshots: { interval: 1 }
  homeAssistant: { enabled: false }
cameras:
  - id: demo
    source: { kind: file, path: models/signs/samples, loop: true, pace: realtime }
    width: 640
    height: 480
    fps: 10
    model: models/signs
    threshold: 0.6
`,
  );
  const events = new Set<string>();
  const subscriber = await connectAsync(broker.url, { reconnectPeriod: 200 });
  subscriber.on('message', (topic, payload) => {
    if (topic.endsWith('/events')) events.add((JSON.parse(payload.toString()) as { id: string }).id);
  });
  await subscriber.subscribeAsync(`${PREFIX}/+/events`, { qos: 1 });
  progress('starting the daemon');
  const { child, url } = await startDaemon(config);
  const pid = child.pid!;
  try {
    // Settle: the model loaded, a few events out, the heap at its working size.
    await sleep(15_000);
    const before: number[] = [];
    for (let i = 0; i < 20; i++) {
      before.push(rssMb(pid));
      await sleep(250);
    }
    const rssBefore = pct(before, 50);

    let peak = rssBefore;
    let flooding = true;
    const sampler = (async () => {
      while (flooding) {
        peak = Math.max(peak, rssMb(pid));
        await sleep(100);
      }
    })();
    const healthTimes: number[] = [];
    let healthFailed = 0;
    const poller = (async () => {
      while (flooding) {
        const t0 = performance.now();
        try {
          const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          healthTimes.push(performance.now() - t0);
        } catch {
          healthFailed++;
        }
        await sleep(50);
      }
    })();

    progress(`RSS ${rssBefore.toFixed(0)} MB; flooding`);
    const attacker = await connectAsync(broker.url);
    const floodStart = performance.now();
    for (const flood of FLOODS) {
      const topic = `${PREFIX}/demo/set/${flood.setting}`;
      // In chunks: mqtt.js adds a listener per publish waiting on the socket, and crawls with 100,000s.
      for (let i = 0; i < flood.count; i += 1000) {
        const sent: Promise<unknown>[] = [];
        for (let j = i; j < Math.min(flood.count, i + 1000); j++)
          sent.push(attacker.publishAsync(topic, flood.payload(j), { qos: 0 }));
        await Promise.all(sent);
      }
    }
    const sendS = (performance.now() - floodStart) / 1000;
    progress(`sent in ${sendS.toFixed(1)} s; 30 s of normal running`);
    await attacker.endAsync();
    // What the flood left behind settles: 30 s of normal running after the last command.
    await sleep(30_000);
    flooding = false;
    await Promise.all([sampler, poller]);
    const rssAfter = rssMb(pid);

    // The broker goes away for 10 s and comes back on the same port.
    progress('the broker stops for 10 s');
    await broker.stop();
    await sleep(BROKER_DOWN_MS);
    broker = await startMosquitto({ port });
    const back = performance.now();
    let reconnectMs = Number.NaN;
    while (performance.now() - back < 120_000) {
      if (metric(await metrics(url), 'edgecam_mqtt_connected') === 1) {
        reconnectMs = performance.now() - back;
        break;
      }
      await sleep(50);
    }

    // Every event the daemon made has left the outbox and reached the subscriber.
    let text = await metrics(url);
    for (let i = 0; i < 600 && metric(text, 'edgecam_outbox_messages') > 0; i++) {
      await sleep(100);
      text = await metrics(url);
    }
    await sleep(2000);
    text = await metrics(url);
    const published = metric(text, 'edgecam_mqtt_messages_published_total', { kind: 'events' });
    const refused = metric(text, 'edgecam_outbox_refused_total', { kind: 'events' });
    const dropped = metric(text, 'edgecam_outbox_dropped_total');
    const commands = (result: string) => metric(text, 'edgecam_mqtt_commands_total', { result });
    const sent = FLOODS.reduce((n, f) => n + f.count, 0);

    const row = (what: string, value: string, goal: string) =>
      console.log(`${what.padEnd(44)} ${value.padStart(22)}   ${goal}`);
    console.log(
      `\nbench:flood — ${sent.toLocaleString('en')} commands sent in ${sendS.toFixed(1)} s (QoS 0)\n`,
    );
    row('', 'edgecam', 'goal');
    row('RSS before the flood', `${rssBefore.toFixed(0)} MB`, '');
    row('RSS peak (flood and 30 s after)', `${peak.toFixed(0)} MB`, '');
    row('RSS growth at peak', `+${(peak - rssBefore).toFixed(0)} MB`, 'at most +50 MB');
    row('RSS 30 s after the flood', `${rssAfter.toFixed(0)} MB`, '');
    row(
      '/healthz during the flood p50 / p99 / max',
      `${pct(healthTimes, 50).toFixed(1)} / ${pct(healthTimes, 99).toFixed(0)} / ${Math.max(...healthTimes).toFixed(0)} ms`,
      `served throughout (${healthFailed} failed of ${healthTimes.length + healthFailed})`,
    );
    row(
      'commands accepted / coalesced / rejected',
      `${commands('accepted')} / ${commands('coalesced')} / ${commands('rejected')}`,
      `of ${sent.toLocaleString('en')} (QoS 0: the broker may drop some)`,
    );
    row('events published (PUBACK) / received', `${published} / ${events.size}`, 'equal');
    row('events refused or dropped by the outbox', `${refused + dropped}`, '0');
    row(
      'reconnect after the broker returns',
      `${(reconnectMs / 1000).toFixed(2)} s`,
      `within 2 s (broker down ${BROKER_DOWN_MS / 1000} s)`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await subscriber.endAsync(true);
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
