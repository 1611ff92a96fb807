// The daemon in this process with its pipeline saturated (a file camera at pace fast: frames as
// fast as the pipeline takes them, kernels and model busy): the HTTP endpoints keep answering and
// the frames keep coming, both at once, because kernels and the model run in worker threads. How
// fast the answers come is a figure of npm run bench:pipeline: a test on a shared machine cannot
// say it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/daemon.js';
import { writeBrightnessModel, writeFrames } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-responsive-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('answers every /healthz while the pipeline runs flat out, and frames keep coming meanwhile', async () => {
  const [model, frames] = await Promise.all([
    writeBrightnessModel(join(dir, 'model')),
    writeFrames(join(dir, 'frames'), 640, 480, 4, 4),
  ]);
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `stateDir: ${join(dir, 'state')}
http: { port: 0 }
mqtt: { broker: { port: 0 }, homeAssistant: { enabled: false } }
inference: { accelerator: cpu }
cameras:
  - id: busy
    source: { kind: file, path: ${frames}, loop: true, pace: fast }
    preprocess: [{ kernel: gaussian11 }]
    edges: edges
    model: ${model}
`,
  );
  let processed = 0;
  const daemon = await Daemon.start(await loadConfig({ file, env: {} }), {
    logger: pino({ level: 'silent' }),
    onFrame: () => processed++,
  });
  try {
    // The camera loops at pace fast: from the first frames on, the pipeline is busy throughout.
    while (processed < 20) await new Promise((r) => setTimeout(r, 20));
    // 20 answers and 20 more frames in the same window: the server answers while the pipeline
    // works, and the pipeline works while the server answers. Either stopping is a hang, which the
    // test's timeout reports; how fast each went depends on the machine and is not asserted.
    const from = processed;
    const statuses: number[] = [];
    while (statuses.length < 20 || processed < from + 20) {
      const res = await fetch(`${daemon.url}/healthz`);
      await res.text();
      statuses.push(res.status);
    }
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  } finally {
    await daemon.stop();
  }
});
