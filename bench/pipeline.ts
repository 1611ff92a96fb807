// npm run bench:pipeline [-- --frames N]: the whole daemon (edgecam run) on the sample replay, as
// fast as it goes, for a fixed number of frames: the camera of config/default.yaml (the JPEG folder,
// which ffmpeg decodes), then the same frames as uncompressed video (what a camera sending raw
// frames costs: no decoding), then the model alone on the same frames, side by side in one run.
// Prints frames per second, end-to-end latency p50/p95/p99, the time per stage, the share of the
// frame time that is not the model's own run, peak RSS, RSS drift, CPU seconds per frame (the
// daemon's; ffmpeg's own is counted apart), and how long /healthz takes to answer meanwhile (polled
// from this process, a request every 10 ms). Goals (640x480, the shipped int8 model, 2 cores):
// overhead under 20% of the frame time; RSS under 250 MB; RSS over the last 300 frames of 10,000
// within 10 MB of RSS over frames 1,000 to 1,300 (medians of a reading every 10 frames); /healthz
// answers within 50 ms while the pipeline runs flat out (kernels and the model run in worker
// threads, so the main thread stays free for HTTP).
import './ort-telemetry-off.js';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { resolveFfmpeg } from '../src/capture/programs.js';
import type { Image } from '../src/frame.js';
import { createDetector } from '../src/inference/detector.js';
import type { TimedStage } from '../src/pipeline/index.js';
import { seededRandom } from '../src/random.js';
import { calibrate } from '../test/onnx-builder/calibrate.js';
import { mobileNetLike, quantizeQdq, writePackage } from '../test/onnx-builder/models.js';
import { shippedSettings } from './shipped-settings.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FRAMES = flag('--frames', 2000);
const WARMUP = 50;
/** The pause between one /healthz answer and the next request. */
const HEALTH_POLL_MS = 10;
/** The daemon's memory settings as npm start gives them (MALLOC_ARENA_MAX, node's flags). */
const MEMORY_SETTINGS = shippedSettings('.');
const SAMPLES = 'models/signs/samples';
const SHIPPED = 'models/signs';

/** The shipped sign model, or (until it lands) an int8 MobileNet-like stand-in of similar cost. */
async function model(dir: string): Promise<{ path: string; what: string }> {
  if (existsSync(join(SHIPPED, 'model.json'))) return { path: SHIPPED, what: 'models/signs (shipped)' };
  const spec = { size: 256, width: 32, classes: 10 };
  const rand = seededRandom(5);
  const sample = () =>
    new ort.Tensor(
      'float32',
      Float32Array.from({ length: 3 * spec.size * spec.size }, () => rand()),
      [1, 3, spec.size, spec.size],
    );
  const ranges = await calibrate(
    mobileNetLike(spec).bytes(),
    Array.from({ length: 4 }, () => ({ images: sample() })),
  );
  const path = await writePackage(
    join(dir, 'standin'),
    {
      name: 'mobilenet-like-int8',
      task: 'classify',
      model: 'model.onnx',
      input: { width: spec.size, height: spec.size, resize: 'stretch' },
      output: { decoder: 'classification', topK: 3 },
      labels: Array.from({ length: spec.classes }, (_, i) => `class${i}`),
      quantization: 'int8-qdq',
    },
    quantizeQdq(mobileNetLike(spec), ranges),
  );
  return {
    path,
    what: 'stand-in: MobileNet-v1-1.0-like int8 QDQ, 256x256 (models/signs/model.json is not there yet)',
  };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

async function modelAlone(path: string, frame: Image<Uint8Array>): Promise<{ fps: number; runMs: number }> {
  const detector = await createDetector({ model: path, accelerator: 'cpu' });
  try {
    for (let i = 0; i < 20; i++) await detector.run(frame);
    const runs: number[] = [];
    const start = performance.now();
    const n = Math.min(400, Math.max(100, FRAMES / 5));
    for (let i = 0; i < n; i++) {
      await detector.run(frame);
      runs.push(detector.lastTimings!.runMs);
    }
    runs.sort((a, b) => a - b);
    return { fps: (n * 1000) / (performance.now() - start), runMs: pct(runs, 50) };
  } finally {
    await detector.close();
  }
}

interface DaemonRun {
  readonly frames: number;
  readonly frameMs: number;
  readonly modelRunMs: number;
  readonly e2e: [number, number, number];
  readonly cpuSPerFrame: number;
  /** ffmpeg's CPU (its processes, once they exited), per frame. */
  readonly ffmpegCpuSPerFrame: number;
  readonly peakRssMb: number;
  readonly rssAt1000Mb: number | undefined;
  readonly rssEndMb: number;
  readonly stages: Record<TimedStage, [number, number]>;
}

/** /healthz while the measured frames ran: p50, p99 and max answer time (ms), and the requests. */
interface HealthFigures {
  readonly healthMs: [number, number, number];
  readonly healthRequests: number;
  /** Answers other than 200, and requests that failed. */
  readonly healthNot200: number;
}

/**
 * Polls `url`/healthz, one request at a time with a pause of HEALTH_POLL_MS between, until
 * `stopped` says so; resolves with each answer's time.
 */
async function pollHealth(url: string, stopped: () => boolean): Promise<{ times: number[]; not200: number }> {
  const times: number[] = [];
  let not200 = 0;
  while (!stopped()) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      if (res.status !== 200) not200++;
    } catch {
      not200++;
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  return { times, not200 };
}

function childRun(file: string): Promise<DaemonRun & HealthFigures> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL('./pipeline-daemon.mjs', import.meta.url));
    // The memory settings edgecam runs with under systemd and npm start.
    const child = spawn(
      process.execPath,
      [...MEMORY_SETTINGS.nodeArgs, script, file, String(FRAMES), String(WARMUP)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, ...MEMORY_SETTINGS.env },
      },
    );
    let out = '';
    let seen = 0;
    let url: string | undefined;
    let measuring = false;
    let measured = false;
    let polling: ReturnType<typeof pollHealth> | undefined;
    // The child says when its daemon listens and when the measured frames begin and end.
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      for (; seen < lines.length - 1; seen++) {
        const line = lines[seen]!;
        if (line.startsWith('{"url"')) url = (JSON.parse(line) as { url: string }).url;
        else if (line === '{"measuring":true}') measuring = true;
        else if (line === '{"measured":true}') measured = true;
      }
      if (polling === undefined && url !== undefined && measuring)
        polling = pollHealth(url, () => measured || child.exitCode !== null);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"frames"'));
      if (code !== 0 || line === undefined) {
        reject(new Error(`the daemon run failed (exit ${code}): ${out}`));
        return;
      }
      (polling ?? Promise.resolve({ times: [], not200: 0 })).then(({ times, not200 }) => {
        times.sort((a, b) => a - b);
        const healthMs: [number, number, number] =
          times.length === 0
            ? [Number.NaN, Number.NaN, Number.NaN]
            : [pct(times, 50), pct(times, 99), times.at(-1)!];
        resolve({
          ...(JSON.parse(line) as DaemonRun),
          healthMs,
          healthRequests: times.length,
          healthNot200: not200,
        });
      }, reject);
    });
  });
}

/** The shipped camera (config/default.yaml: no preprocess chain, the edge chain) at pace fast. */
function daemonConfig(dir: string, name: string, source: string, model: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `stateDir: ${join(dir, `state-${name}`)}
log: { level: warn }
inference: { accelerator: cpu }
http: { port: 0 }
mqtt: { broker: { port: 0 } }
cameras:
  - id: bench
    source: { kind: file, path: ${source}, loop: true, pace: fast }
    width: 640
    height: 480
    fps: 30
    preprocess: []
    edges: edges
    model: ${model}
`,
  );
  return file;
}

/** The sample frames as uncompressed RGB video (NUT), for the run without decoding. */
function rawVideo(dir: string): string {
  const path = join(dir, 'samples-rgb24.nut');
  execFileSync(resolveFfmpeg(), [
    ...['-hide_banner', '-loglevel', 'error', '-framerate', '30', '-i', join(SAMPLES, 'frame_%03d.jpg')],
    ...['-c:v', 'rawvideo', '-pix_fmt', 'rgb24', path],
  ]);
  return path;
}

async function main(): Promise<void> {
  if (!existsSync(SAMPLES))
    throw new Error(`${SAMPLES} is missing: the sample replay ships with the sign model`);
  if (!existsSync('dist/daemon.js'))
    throw new Error('dist/ is missing: run npm run build first (npm run bench:pipeline does)');
  const dir = mkdtempSync(join(tmpdir(), 'edgecam-bench-pipeline-'));
  try {
    const { path, what } = await model(dir);
    const first = await sharp(join(SAMPLES, 'frame_000.jpg'))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frame = {
      width: first.info.width,
      height: first.info.height,
      channels: 3,
      data: new Uint8Array(first.data),
    };
    console.log(`# edgecam run, whole pipeline, ${FRAMES} frames of ${SAMPLES} (640x480, pace fast)`);
    console.log(`model: ${what}`);
    console.log(
      'camera: as config/default.yaml (no preprocess chain; edges: gaussian5 + Sobel L1 every 5 s), MQTT to the embedded broker\n',
    );
    const alone = await modelAlone(path, frame);
    const jpeg = await childRun(daemonConfig(dir, 'jpeg', SAMPLES, path));
    const raw = await childRun(daemonConfig(dir, 'raw', rawVideo(dir), path));
    const runs = [jpeg, raw];
    const row = (label: string, cell: (r: DaemonRun & HealthFigures) => string, reference = '') =>
      console.log(`| ${label} | ${runs.map(cell).join(' | ')} | ${reference} |`);
    console.log(
      `| figure | sample replay: JPEG folder (ffmpeg decodes) | same frames, uncompressed video | model alone, ${availableParallelism()} threads (reference) |`,
    );
    console.log('| --- | ---: | ---: | ---: |');
    row('frames per second', (r) => (1000 / r.frameMs).toFixed(1), alone.fps.toFixed(1));
    row('ms per frame', (r) => r.frameMs.toFixed(2), (1000 / alone.fps).toFixed(2));
    row('model run, ms (mean; alone: median)', (r) => r.modelRunMs.toFixed(2), alone.runMs.toFixed(2));
    row(
      "not the model's run, share of the frame time (goal < 20%)",
      (r) => `${((1 - r.modelRunMs / r.frameMs) * 100).toFixed(1)}%`,
    );
    row('end-to-end latency p50 / p95 / p99, ms', (r) => r.e2e.map((x) => x.toFixed(1)).join(' / '));
    row('CPU seconds per frame, the daemon (all its threads)', (r) => r.cpuSPerFrame.toFixed(4));
    row('CPU seconds per frame, its ffmpeg', (r) => r.ffmpegCpuSPerFrame.toFixed(4));
    row(
      '/healthz answer p50 / p99 / max while it runs, ms (goal < 50)',
      (r) => `${r.healthMs.map((x) => x.toFixed(1)).join(' / ')} (${r.healthRequests} requests)`,
    );
    row('/healthz answers other than 200 (goal: none)', (r) => String(r.healthNot200));
    row('peak RSS of the daemon process, MB (goal < 250)', (r) => r.peakRssMb.toFixed(0));
    row(
      `RSS over frames 1,000-1,300 -> the last 300 of ${FRAMES + WARMUP}, MB, medians (goal: within 10)`,
      (r) => {
        if (r.rssAt1000Mb === undefined) return 'n/a';
        const drift = r.rssEndMb - r.rssAt1000Mb;
        return `${r.rssAt1000Mb.toFixed(0)} -> ${r.rssEndMb.toFixed(0)} (${drift >= 0 ? '+' : ''}${drift.toFixed(1)})`;
      },
    );
    console.log(
      "\n## Time per stage, ms per frame, mean / p95 (the model's run overlaps the next frame's capture)\n",
    );
    console.log('| stage | JPEG folder | uncompressed video |');
    console.log('| --- | ---: | ---: |');
    for (const stage of Object.keys(jpeg.stages) as TimedStage[]) {
      const cell = (r: DaemonRun) => r.stages[stage].map((x) => x.toFixed(2)).join(' / ');
      console.log(
        `| ${stage}${stage === 'capture' ? ' (frame age when taken)' : ''} | ${cell(jpeg)} | ${cell(raw)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
