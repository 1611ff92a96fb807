// `npm run bench:inference -- --accelerator webgpu`: ONNX Runtime's WebGPU provider beside its CPU
// provider in one run, on whatever adapter Vulkan has here (vulkaninfo names it), and what moving
// tensors between the CPU and the GPU costs per run.
import './ort-telemetry-off.js';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { Image } from '../src/frame.js';
import { createDetector } from '../src/inference/detector.js';
import { loadModelPackage } from '../src/inference/model.js';
import { describeAdapter, probeWebGpuAdapter } from '../src/inference/webgpu-adapter.js';
import { GraphBuilder } from '../test/onnx-builder/builder.js';
import { medianMs } from './timing.js';

const fmt = (ms: number) => ms.toFixed(2).padStart(8);

/** The shipped sign detector's input, from its manifest (320x320 up to SignNet 3.1.0, then 384x384, then 448x336). */
const SIGNS_MANIFEST = (await loadModelPackage(fileURLToPath(new URL('../models/signs', import.meta.url))))
  .manifest;
export const SIGNS_WIDTH = SIGNS_MANIFEST.input.width;
export const SIGNS_HEIGHT = SIGNS_MANIFEST.input.height;
/** Its tensors: the input image and the YOLOv8 head (4 box + 10 class rows, one column per cell of three grids). */
const SIGNS_INPUT = [1, 3, SIGNS_HEIGHT, SIGNS_WIDTH];
const SIGNS_OUTPUT = [
  1,
  14,
  [8, 16, 32].reduce((n, stride) => n + (SIGNS_WIDTH / stride) * (SIGNS_HEIGHT / stride), 0),
];

/**
 * WebGPU against the CPU on the shipped sign detector (float and int8), then the transfer costs.
 * @example await webgpuBeside(signsDir, frame)
 */
export async function webgpuBeside(signs: string, frame: Image<Uint8Array>): Promise<void> {
  const probe = await probeWebGpuAdapter();
  console.log(
    `\n## WebGPU beside the CPU, through a Detector (worker thread), ${frame.width}x${frame.height} frame (ms per run, median)\n`,
  );
  console.log(
    `adapter: ${probe.adapter === undefined ? `unknown (${probe.reason})` : describeAdapter(probe.adapter)}\n`,
  );
  console.log('| model | cpu | webgpu | webgpu / cpu | nodes on WebGPU / on the CPU |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const [name, manifest, onnx] of [
    ['signs int8 QDQ (shipped)', signs, 'model.int8.onnx'],
    ['signs float32', join(signs, 'model.float.json'), 'model.float.onnx'],
  ] as const) {
    const cpu = await runMs(manifest, 'cpu', frame);
    const gpu = await runMs(manifest, 'webgpu', frame);
    const nodes = await nodesByProvider(readFileSync(join(signs, onnx)));
    console.log(`| ${name} | ${fmt(cpu)} | ${fmt(gpu)} | ${(gpu / cpu).toFixed(1)}x | ${nodes} |`);
  }
  await transfers();
}

async function runMs(
  model: string,
  accelerator: 'cpu' | 'webgpu',
  frame: Image<Uint8Array>,
): Promise<number> {
  const detector = await createDetector({ model, accelerator });
  try {
    if (detector.info.provider !== accelerator) throw new Error(`${model} did not load on ${accelerator}`);
    const runs: number[] = [];
    await medianMs(async () => {
      await detector.run(frame);
      runs.push(detector.lastTimings!.runMs);
    }, 3000);
    return runs.sort((a, b) => a - b)[runs.length >> 1]!;
  } finally {
    await detector.close();
  }
}

/** How many nodes ONNX Runtime placed on each provider, from one profiled run. */
async function nodesByProvider(bytes: Uint8Array): Promise<string> {
  const dir = tmpdir();
  const prefix = join(dir, `edgecam-bench-webgpu-${process.pid}`);
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['webgpu'],
    enableProfiling: true,
    profileFilePrefix: prefix,
    logSeverityLevel: 3,
  });
  await session.run({
    images: new ort.Tensor('float32', new Float32Array(3 * SIGNS_WIDTH * SIGNS_HEIGHT), SIGNS_INPUT),
  });
  // endProfiling writes the trace and, in onnxruntime-node, returns nothing: find it by prefix.
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => join(dir, f).startsWith(prefix));
  if (file === undefined) return 'no profile written';
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    cat: string;
    args: { provider?: string; op_name?: string };
  }[];
  rmSync(join(dir, file));
  const gpu = events.filter((e) => e.cat === 'Node' && e.args.provider === 'WebGpuExecutionProvider').length;
  const cpuOps = new Map<string, number>();
  for (const e of events) {
    if (e.cat === 'Node' && e.args.provider === 'CPUExecutionProvider') {
      cpuOps.set(e.args.op_name ?? '?', (cpuOps.get(e.args.op_name ?? '?') ?? 0) + 1);
    }
  }
  const cpu = [...cpuOps.values()].reduce((a, b) => a + b, 0);
  const which = [...cpuOps].map(([op, n]) => `${op} ${n}`).join(', ');
  return `${gpu} / ${cpu}${cpu > 0 ? ` (${which})` : ''}`;
}

/**
 * The cost of moving the sign detector's tensors, from graphs that do almost nothing on the GPU:
 * onnxruntime-node uploads every CPU input and downloads every output within run(). It can leave
 * outputs on the GPU (preferredOutputLocation: 'gpu-buffer') for another session to take as input,
 * but cannot read them back (1.30's download is "not implemented" and aborts the process), and
 * edgecam's decoders read every output on the CPU: so each frame pays one upload and one download.
 */
async function transfers(): Promise<void> {
  const inputBytes = 4 * SIGNS_INPUT.reduce((a, b) => a * b, 1);
  const outputBytes = 4 * SIGNS_OUTPUT.reduce((a, b) => a * b, 1);
  const one = [1, 1, 1, 1];
  const rows: [string, Uint8Array, number[]][] = [
    ['a run that moves 4 bytes each way (the fixed cost)', firstElement(one), one],
    [`upload the input (${kib(inputBytes)}), 4 bytes back`, firstElement(SIGNS_INPUT), SIGNS_INPUT],
    [`download the output (${kib(outputBytes)}), 4 bytes up`, broadcast(SIGNS_OUTPUT), one],
  ];
  console.log('\n## Moving tensors between the CPU and WebGPU, per run (ms, median)\n');
  console.log('| what | webgpu | cpu (no transfer) |');
  console.log('| --- | ---: | ---: |');
  for (const [what, bytes, dims] of rows) {
    const input = new ort.Tensor(
      'float32',
      new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5),
      dims,
    );
    const ms: number[] = [];
    for (const provider of ['webgpu', 'cpu']) {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        // Keep the graphs as built: nothing to fold away.
        graphOptimizationLevel: 'disabled',
        logSeverityLevel: 3,
      });
      ms.push(await medianMs(() => session.run({ x: input }), 1500));
      await session.release();
    }
    console.log(`| ${what} | ${fmt(ms[0]!)} | ${fmt(ms[1]!)} |`);
  }
  console.log(
    '\nThe upload and download rows less the fixed cost are what the sign detector pays to move its tensors each frame.',
  );
}

/** x -> its first element: the whole of x goes up, one float comes back. */
function firstElement(dims: number[]): Uint8Array {
  const g = new GraphBuilder('upload');
  const x = g.input('x', 'float32', dims);
  const zeros = dims.map(() => 0);
  const slice = g.node('Slice', [
    x,
    g.initializer('starts', 'int64', [dims.length], zeros),
    g.initializer(
      'ends',
      'int64',
      [dims.length],
      dims.map(() => 1),
    ),
  ]);
  g.rename(g.node('Add', [slice, g.initializer('zero', 'float32', [], [0])]), 'y');
  g.output(
    'y',
    'float32',
    dims.map(() => 1),
  );
  return g.bytes();
}

/** One float -> a tensor of `dims`: one float goes up, the whole tensor comes back. */
function broadcast(dims: number[]): Uint8Array {
  const g = new GraphBuilder('download');
  const x = g.input('x', 'float32', [1, 1, 1, 1]);
  const flat = g.node('Reshape', [x, g.initializer('scalar', 'int64', [1], [1])]);
  g.rename(g.node('Expand', [flat, g.initializer('shape', 'int64', [dims.length], dims)]), 'y');
  g.output('y', 'float32', dims);
  return g.bytes();
}

function kib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`;
}
