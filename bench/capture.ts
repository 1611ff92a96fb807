// npm run bench:capture: capture + decode cost of the two decode routes edgecam can take for an
// MJPEG camera, side by side in one run, at 640x480 and 1280x720:
//   sharp:  ffmpeg passes the camera's JPEGs through (-c copy), edgecam splits the stream and
//           decodes each JPEG with sharp (libjpeg-turbo) on libuv's pool;
//   ffmpeg: ffmpeg decodes and writes raw RGB (-f rawvideo), edgecam cuts fixed-size frames.
// The input is an MJPEG stream made by ffmpeg from lavfi's testsrc2 (a busy test card).
// CPU seconds per frame count edgecam's process and ffmpeg's together (bash `times`), so
// "fps on one core" = 1 / (CPU s per frame) is what one core of this machine sustains.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JpegDecoder } from '../src/capture/jpeg-decoder.js';
import { JpegSplitter } from '../src/capture/mjpeg.js';
import { resolveFfmpeg } from '../src/capture/programs.js';
import { FFMPEG_PREFIX, MJPEG_COPY_OUTPUT, rawOutput } from '../src/capture/sources/ffmpeg-args.js';
import { DECODE_ROUTE } from '../src/capture/sources/mjpeg-route.js';

const FRAMES = 300;
const SIZES = [
  [640, 480],
  [1280, 720],
] as const;
const GOAL_FPS = 60;

interface Result {
  frames: number;
  wallS: number;
  cpuS: number;
}

const ffmpeg = resolveFfmpeg('');
const dir = mkdtempSync(join(tmpdir(), 'edgecam-bench-capture-'));

/** Runs ffmpeg under bash so that `times` reports its CPU; `onStdout` sees its output. */
function runFfmpeg(
  args: string[],
  onStdout: (chunk: Buffer, pause: () => void, resume: () => void) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const quoted = [ffmpeg, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const child = spawn('bash', ['-c', `${quoted}; status=$?; times >&2; exit $status`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => {
      stderr += t;
    });
    const pause = () => child.stdout.pause();
    const resume = () => child.stdout.resume();
    child.stdout.on('data', (chunk: Buffer) => onStdout(chunk, pause, resume));
    child.on('error', reject);
    child.on('close', (code) => {
      // `times` prints the shell's user/sys, then its children's: "0m1.234s 0m0.056s".
      const children = stderr.trim().split('\n').pop() ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (code !== 0 || secs.length !== 2) reject(new Error(`ffmpeg failed (${code}): ${stderr}`));
      else resolve(secs[0]! + secs[1]!);
    });
  });
}

async function measure(run: () => Promise<{ frames: number; childCpuS: number }>): Promise<Result> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { frames, childCpuS } = await run();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { frames, wallS, cpuS: (cpu.user + cpu.system) / 1e6 + childCpuS };
}

function sharpRoute(input: string, width: number, height: number): Promise<Result> {
  return measure(async () => {
    let frames = 0;
    let failure: unknown;
    const decoder = new JpegDecoder(width, height, {
      decoded: () => frames++,
      corrupt: (reason) => {
        failure = new Error(reason);
      },
      skipped: () => {
        failure = new Error('a frame was skipped');
      },
      failed: (err) => {
        failure = err;
      },
    });
    const jpegs: Buffer[] = [];
    const splitter = new JpegSplitter({
      jpeg: (jpeg) => jpegs.push(jpeg),
      corrupt: (reason) => {
        failure = new Error(reason);
      },
    });
    let decoding = Promise.resolve();
    const args = [...FFMPEG_PREFIX, '-i', input, '-frames:v', String(FRAMES), ...MJPEG_COPY_OUTPUT];
    const childCpuS = await runFfmpeg(args, (chunk, pause, resume) => {
      splitter.push(chunk);
      // Decode every frame: hold ffmpeg until this chunk's JPEGs are done (a camera would drop instead).
      pause();
      const batch = jpegs.splice(0);
      decoding = decoding.then(async () => {
        for (const jpeg of batch) {
          decoder.submit(jpeg, 0);
          await decoder.idle();
        }
        resume();
      });
    });
    await decoding;
    await decoder.idle();
    if (failure !== undefined) throw failure;
    return { frames, childCpuS };
  });
}

function ffmpegRoute(input: string, width: number, height: number): Promise<Result> {
  return measure(async () => {
    const size = width * height * 3;
    let bytes = 0;
    let frames = 0;
    let frame = new Uint8Array(size);
    const args = [...FFMPEG_PREFIX, '-i', input, '-frames:v', String(FRAMES), ...rawOutput(width, height)];
    const childCpuS = await runFfmpeg(args, (chunk) => {
      // The same framing as stream-process.ts: a buffer per frame, handed on.
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(size - bytes, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), bytes);
        bytes += n;
        offset += n;
        if (bytes === size) {
          frames++;
          frame = new Uint8Array(size);
          bytes = 0;
        }
      }
    });
    return { frames, childCpuS };
  });
}

async function main(): Promise<void> {
  console.log(
    `edgecam capture bench: ${FRAMES} frames of an ffmpeg MJPEG test stream (testsrc2, -q:v 5) per run; ` +
      `${availableParallelism()} core(s) usable (taskset -c 0 npm run bench:capture pins it to one); node ${process.version}; ${ffmpeg}; goal: >= ${GOAL_FPS} fps at 640x480 on one core`,
  );
  const rows: string[][] = [];
  for (const [width, height] of SIZES) {
    const input = join(dir, `test-${width}x${height}.mjpeg`);
    await runFfmpeg(
      [
        ...FFMPEG_PREFIX,
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=${width}x${height}:rate=30`,
        '-frames:v',
        String(FRAMES),
      ].concat(['-c:v', 'mjpeg', '-q:v', '5', '-f', 'mjpeg', '-y', input]),
      () => {},
    );
    const jpegKb = statSync(input).size / FRAMES / 1024;
    // Warm up both routes once (sharp's first call loads libvips), then measure each twice, alternating.
    await sharpRoute(input, width, height);
    await ffmpegRoute(input, width, height);
    const runs: Record<string, Result[]> = { sharp: [], ffmpeg: [] };
    for (let i = 0; i < 2; i++) {
      runs.sharp!.push(await sharpRoute(input, width, height));
      runs.ffmpeg!.push(await ffmpegRoute(input, width, height));
    }
    for (const route of ['sharp', 'ffmpeg'] as const) {
      const best = runs[route]!.reduce((a, b) => (a.cpuS / a.frames < b.cpuS / b.frames ? a : b));
      const cpuMs = (best.cpuS / best.frames) * 1000;
      rows.push([
        `${width}x${height}`,
        `${jpegKb.toFixed(0)} KB`,
        route === 'sharp' ? 'sharp (JPEG -c copy, decode in node)' : 'ffmpeg (decode, -f rawvideo rgb24)',
        (best.frames / best.wallS).toFixed(0),
        cpuMs.toFixed(2),
        (1000 / cpuMs).toFixed(0),
        route === DECODE_ROUTE ? 'chosen' : '',
      ]);
    }
  }
  const header = ['size', 'JPEG', 'decode route', 'fps (wall)', 'CPU ms/frame', 'fps on one core', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(fmt(r));
  console.log(
    `reference: the goal is ${GOAL_FPS} fps at 640x480 on one core (1000 / ${GOAL_FPS} = ${(1000 / GOAL_FPS).toFixed(1)} CPU ms per frame)`,
  );
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
