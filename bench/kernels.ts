// npm run bench:kernels: edgecam's filter plans against the TypeScript reference, OpenCV
// (single thread, via /usr/bin/python3 bench/opencv_kernels.py) and sharp, side by side on
// the same raw frames, with the goals as a verdict: <= 2x OpenCV and <= 1x sharp.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Image } from '../src/frame.js';
import { conv2d } from '../src/kernels/conv2d.js';
import { sobelMagnitude } from '../src/kernels/edges.js';
import { defaultSigma, resolveKernel } from '../src/kernels/library.js';
import { createEdgePlan, createFilterPlan, type FilterPlan } from '../src/kernels/plan.js';
import type { Kernel } from '../src/kernels/types.js';
import { toUint8 } from '../src/kernels/uint8.js';
import { benchPhoto } from './photo.js';
import { medianMs } from './timing.js';

const PYTHON = '/usr/bin/python3';
const SIZES = [
  { label: '640x480 gray', width: 640, height: 480, channels: 1 as const },
  { label: '640x480 RGB', width: 640, height: 480, channels: 3 as const },
  { label: '1280x720 gray', width: 1280, height: 720, channels: 1 as const },
];
const OPS: readonly { label: string; kernel?: string; gaussian?: number }[] = [
  { label: 'Sobel 3x3', kernel: 'sobel-left' },
  { label: 'outline 3x3', kernel: 'outline' },
  { label: 'box 3x3', kernel: 'box3' },
  { label: 'Gaussian 5x5', kernel: 'gaussian5', gaussian: 5 },
  { label: 'Gaussian 11x11', kernel: 'gaussian11', gaussian: 11 },
  { label: 'Sobel magnitude L1' },
];

interface Row {
  size: string;
  op: string;
  engine: string;
  ms: number;
  mpix: number;
  ts: number;
  sharp?: number;
  opencv?: number;
  diff?: number;
  id: string;
  result: Image<Uint8Array>;
  margin: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'edgecam-bench-'));
  try {
    const rows: Row[] = [];
    const cases: object[] = [];
    let origin = '';
    for (const size of SIZES) {
      const { image, origin: from } = await benchPhoto(size.width, size.height, size.channels);
      origin = from;
      const frameFile = join(dir, `${size.width}x${size.height}x${size.channels}.raw`);
      writeFileSync(frameFile, image.data);
      for (const op of OPS) {
        const id = `${size.label} ${op.label}`;
        const out = join(dir, `${rows.length}.out`);
        const common = {
          id,
          file: frameFile,
          width: size.width,
          height: size.height,
          channels: size.channels,
          out,
        };
        let plan: FilterPlan;
        let ts: number;
        let sharpMs: number | undefined;
        let margin = 1;
        if (op.kernel === undefined) {
          plan = createEdgePlan(image, { norm: 'L1', border: 'reflect' });
          const edges = {
            width: size.width,
            height: size.height,
            channels: 1,
            data: new Uint8Array(size.width * size.height),
          };
          ts = await medianMs(() => sobelMagnitude(image, { norm: 'L1', border: 'reflect' }, edges));
          cases.push({ ...common, op: 'SobelL1' });
        } else {
          const kernel = resolveKernel(op.kernel);
          margin = (kernel.width - 1) / 2;
          plan = createFilterPlan(kernel, image, { border: 'reflect' });
          ts = await referenceMs(kernel, image);
          sharpMs = await sharpMs_(kernel, image);
          cases.push(
            op.gaussian === undefined
              ? { ...common, op: 'filter2D', kernel: Array.from(kernel.weights), size: kernel.width }
              : { ...common, op: 'GaussianBlur', size: op.gaussian, sigma: defaultSigma(op.gaussian) },
          );
        }
        const ms = await medianMs(() => plan.run(image));
        const result = plan.run(image);
        rows.push({
          size: size.label,
          op: op.label,
          engine: plan.engine,
          ms,
          mpix: (size.width * size.height) / ms / 1000,
          ts,
          ...(sharpMs === undefined ? {} : { sharp: sharpMs }),
          id,
          result: { ...result, data: result.data.slice() },
          margin,
        });
      }
    }
    const opencvNote = runOpenCV(dir, cases, rows);
    print(rows, origin, opencvNote);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** conv2d then toUint8 into buffers allocated once, as a plan's TypeScript fallback runs. */
async function referenceMs(kernel: Kernel, image: Image<Uint8Array>): Promise<number> {
  const n = image.width * image.height * image.channels;
  const sums = {
    width: image.width,
    height: image.height,
    channels: image.channels,
    data: new Float32Array(n),
  };
  const bytes = {
    width: image.width,
    height: image.height,
    channels: image.channels,
    data: new Uint8Array(n),
  };
  return medianMs(() =>
    toUint8(conv2d(image, kernel, { border: 'reflect' }, sums), { kind: 'clamp' }, bytes),
  );
}

async function sharpMs_(kernel: Kernel, image: Image<Uint8Array>): Promise<number> {
  const raw = { width: image.width, height: image.height, channels: image.channels as 1 | 3 };
  const convolve = {
    width: kernel.width,
    height: kernel.height,
    kernel: Array.from(kernel.weights),
    scale: 1,
  };
  return medianMs(() => {
    const s = sharp(image.data, { raw }).convolve(convolve);
    // 1-channel raw input comes out as 3-channel sRGB without this (sharp's toColourspace docs).
    return (image.channels === 1 ? s.toColourspace('b-w') : s).raw().toBuffer();
  });
}

/** Runs the OpenCV script over all cases; fills opencv and diff, or returns why it could not. */
function runOpenCV(dir: string, cases: object[], rows: Row[]): string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found: apt-get install -y python3-opencv`;
  const casesFile = join(dir, 'cases.json');
  writeFileSync(casesFile, JSON.stringify(cases));
  const script = join(import.meta.dirname, 'opencv_kernels.py');
  const run = spawnSync(PYTHON, [script, casesFile], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    const why = run.stderr.includes("No module named 'cv2'")
      ? 'python3-opencv is not installed'
      : run.stderr.trim();
    return `OpenCV skipped (${why}): apt-get install -y python3-opencv`;
  }
  const timings = JSON.parse(run.stdout) as Record<string, { ms: number }>;
  cases.forEach((c, i) => {
    const row = rows[i]!;
    row.opencv = timings[row.id]?.ms;
    const theirs = new Uint8Array(readFileSync((c as { out: string }).out));
    row.diff = interiorMaxDiff(row.result, theirs, row.margin);
  });
  return 'OpenCV 4 via /usr/bin/python3, cv2.setNumThreads(1)';
}

/** Max |a - b| away from a margin-wide border, where border handling may legitimately differ. */
function interiorMaxDiff(a: Image<Uint8Array>, b: Uint8Array, margin: number): number {
  const { width, height, channels } = a;
  if (b.length !== a.data.length) return Number.NaN;
  let max = 0;
  for (let y = margin; y < height - margin; y++) {
    for (let i = (y * width + margin) * channels; i < (y * width + width - margin) * channels; i++) {
      max = Math.max(max, Math.abs(a.data[i]! - b[i]!));
    }
  }
  return max;
}

function print(rows: Row[], origin: string, opencvNote: string): void {
  const f = (v: number | undefined, digits = 3) =>
    v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits);
  const header = [
    'size',
    'operation',
    'engine',
    'edgecam ms',
    'Mpix/s',
    'TS ref ms',
    'OpenCV ms',
    'sharp ms',
    'x OpenCV',
    'x sharp',
    'max|diff|',
    'verdict',
  ];
  const lines = rows.map((r) => {
    const vsCv = r.opencv === undefined ? undefined : r.ms / r.opencv;
    const vsSharp = r.sharp === undefined ? undefined : r.ms / r.sharp;
    const verdict = [
      vsCv === undefined ? 'OpenCV ?' : vsCv <= 2 ? 'ok <=2x OpenCV' : 'MISS >2x OpenCV',
      vsSharp === undefined ? '' : vsSharp <= 1 ? 'ok <=sharp' : 'MISS >sharp',
    ]
      .filter(Boolean)
      .join(', ');
    return [
      r.size,
      r.op,
      r.engine,
      f(r.ms),
      f(r.mpix, 0),
      f(r.ts),
      f(r.opencv),
      f(r.sharp),
      f(vsCv, 2),
      f(vsSharp, 2),
      r.diff === undefined ? '-' : String(r.diff),
      verdict,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`edgecam kernels bench: frame ${origin}; ${opencvNote}; node ${process.version}; medians`);
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

await main();
