// The daemon half of npm run bench:pipeline, in a process of its own and from the built package
// (dist/, as `edgecam run` runs), so that its memory and CPU figures are the daemon's alone.
// Usage: node bench/pipeline-daemon.mjs CONFIG FRAMES WARMUP; prints one JSON line of results.
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
const reports = [];
let rssAt1000;
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
    }
    if (count > WARMUP) reports.push(report);
    if (count === 1000) rssAt1000 = process.memoryUsage().rss;
    if (count === FRAMES + WARMUP) done();
  },
});
await finished;
const elapsed = performance.now() - startedAt;
const cpu = process.cpuUsage(cpuAtStart);
const rssEnd = process.memoryUsage().rss;
await daemon.stop();
const n = reports.length;
const mean = (f) => reports.reduce((a, r) => a + f(r), 0) / n;
const e2e = reports.map((r) => r.endToEndMs).sort((a, b) => a - b);
const stages = {};
for (const stage of STAGES) {
  const sorted = reports.map((r) => r.stages[stage]).sort((a, b) => a - b);
  stages[stage] = [mean((r) => r.stages[stage]), pct(sorted, 95)];
}
console.log(
  JSON.stringify({
    frames: n,
    frameMs: elapsed / n,
    modelRunMs: mean((r) => r.modelRunMs ?? 0),
    e2e: [pct(e2e, 50), pct(e2e, 95), pct(e2e, 99)],
    cpuSPerFrame: (cpu.user + cpu.system) / 1e6 / n,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssAt1000Mb: rssAt1000 === undefined ? undefined : rssAt1000 / MB,
    rssEndMb: rssEnd / MB,
    stages,
  }),
);
