// The daemon half of npm run bench:pipeline, in a process of its own and from the built package
// (dist/, as `edgecam run` runs), so that its memory and CPU figures are the daemon's alone.
// Usage: node bench/pipeline-daemon.mjs CONFIG FRAMES WARMUP; prints one JSON line of results.
// Before it, lines {"url":...} once the daemon listens, {"measuring":true} when the measured frames
// begin and {"measured":true} when they end: the parent polls /healthz from outside meanwhile, as a
// client does, so that the polling costs this process nothing but the answers.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from '../dist/config/index.js';
import { Daemon } from '../dist/daemon.js';

const [file, framesArg, warmupArg] = process.argv.slice(2);
const FRAMES = Number(framesArg);
const WARMUP = Number(warmupArg);
const MB = 1024 * 1024;
const STAGES = ['capture', 'kernels', 'inference', 'postprocess', 'publish'];
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

const config = await loadConfig({ file, env: {} });
// Each frame's figures go into arrays allocated up front: keeping the reports themselves would
// grow this process's heap by about 0.6 KB a frame, which the RSS figures would count as the daemon's.
const STAGE_COUNT = STAGES.length;
const stageMs = new Float64Array(FRAMES * STAGE_COUNT);
const e2eMs = new Float64Array(FRAMES);
const modelMs = new Float64Array(FRAMES);
// RSS drift: the median of a reading every RSS_EVERY frames over RSS_WINDOW frames from frame 1,000,
// and over the last RSS_WINDOW frames. One reading at each end, as before, took whichever point of
// the 4 MB or so that garbage adds between two collections it fell on (+14 MB in one run of a
// build, +2 in the next).
const RSS_EVERY = 10;
const RSS_WINDOW = 300;
const RSS_FROM = 1000;
const LAST = FRAMES + WARMUP;
const rssStart = new Float64Array(RSS_WINDOW / RSS_EVERY);
const rssEnd = new Float64Array(RSS_WINDOW / RSS_EVERY);
let count = 0;
let startedAt = 0;
let cpuAtStart = process.cpuUsage();
let done = () => {};
const finished = new Promise((resolve) => {
  done = resolve;
});
const daemon = await Daemon.start(config, {
  logger: pino({ level: 'warn' }),
  onFrame: (report) => {
    count++;
    if (count === WARMUP) {
      startedAt = performance.now();
      cpuAtStart = process.cpuUsage();
      console.log(JSON.stringify({ measuring: true }));
    }
    const i = count - WARMUP - 1;
    if (i >= 0 && i < FRAMES) {
      for (let k = 0; k < STAGE_COUNT; k++) stageMs[i * STAGE_COUNT + k] = report.stages[STAGES[k]];
      e2eMs[i] = report.endToEndMs;
      modelMs[i] = report.modelRunMs ?? 0;
    }
    const fromStart = count - RSS_FROM;
    if (fromStart >= 0 && fromStart < RSS_WINDOW && fromStart % RSS_EVERY === 0)
      rssStart[fromStart / RSS_EVERY] = process.memoryUsage().rss;
    const fromEnd = LAST - count; // 0 at the last frame
    if (fromEnd >= 0 && fromEnd < RSS_WINDOW && fromEnd % RSS_EVERY === 0)
      rssEnd[fromEnd / RSS_EVERY] = process.memoryUsage().rss;
    if (count === LAST) done();
  },
});
console.log(JSON.stringify({ url: daemon.url }));
await finished;
const elapsed = performance.now() - startedAt;
const cpu = process.cpuUsage(cpuAtStart);
console.log(JSON.stringify({ measured: true }));
await daemon.stop();
const n = FRAMES;
// ffmpeg's CPU: the daemon's children once they exited (stop reaps the last one), in clock ticks
// of 1/100 s, over every frame the run took (the warm-up's too).
const stat = readFileSync('/proc/self/stat', 'utf8');
const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
const childCpuS = (Number(fields[13]) + Number(fields[14])) / 100;
const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// The two windows must not overlap, nor the first start before the warm-up has settled.
const drift = LAST >= RSS_FROM + 2 * RSS_WINDOW;
const e2e = Array.from(e2eMs).sort((a, b) => a - b);
const stages = {};
for (const [k, stage] of STAGES.entries()) {
  const xs = Array.from({ length: n }, (_, i) => stageMs[i * STAGE_COUNT + k]);
  stages[stage] = [
    mean(xs),
    pct(
      [...xs].sort((a, b) => a - b),
      95,
    ),
  ];
}
console.log(
  JSON.stringify({
    frames: n,
    frameMs: elapsed / n,
    modelRunMs: mean(Array.from(modelMs)),
    e2e: [pct(e2e, 50), pct(e2e, 95), pct(e2e, 99)],
    cpuSPerFrame: (cpu.user + cpu.system) / 1e6 / n,
    ffmpegCpuSPerFrame: childCpuS / count,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssAt1000Mb: drift ? median(rssStart) / MB : undefined,
    rssEndMb: drift ? median(rssEnd) / MB : process.memoryUsage().rss / MB,
    stages,
  }),
);
