// npm run bench:motion: what motion-gated, region-based inference (detect.mode: motion) buys,
// each figure beside its reference measured in the same run, on the shipped sign model
// (models/signs, CPU) through the real pipeline (CameraPipeline, MotionDetector, the model in its
// worker), frames fed as fast as the pipeline takes them, their timestamps 100 ms apart (10 fps):
//  1. a static replay (the first sample frame as a file camera delivers it, I420, with fresh sensor
//     grain each frame): CPU per frame
//     (process.cpuUsage: the main thread, the model's worker and its threads) with motion against
//     always. Goal: at least 5x less.
//  2. the sample drive (models/signs/samples, 90 frames with ground truth): the signs found with
//     motion against always. Goal: the same signs, none missed for more than one frame where
//     always finds it.
//  3. small signs (16 to 22 px tall) moving over the synthetic camera's 1280x720 picture (held
//     still), motion.width 320: recall with region crops against whole-frame inference. Goal: at
//     least doubled.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { I420Frame } from '../src/capture/i420-frame.js';
import { resolveFfmpeg } from '../src/capture/programs.js';
import { SyntheticScene } from '../src/capture/synthetic/scene.js';
import { drawSign, SIGN_LABELS } from '../src/capture/synthetic/signs.js';
import { modelOf } from '../src/daemon/camera-model.js';
import type { Box, Detection } from '../src/detection.js';
import type { Frame } from '../src/frame.js';
import { createDetector, type Detector } from '../src/inference/detector.js';
import { MotionDetector } from '../src/motion/index.js';
import { CameraPipeline, DEFAULT_TRACKING } from '../src/pipeline/index.js';
import { seededRandom } from '../src/random.js';

const SAMPLES = 'models/signs/samples';
const THRESHOLD = 0.6;
const MOTION = { width: 160, adaptation: 0.05, threshold: 20, minArea: 0.0005, mask: [] };
/** For small far signs: a wider gray copy (motion.width: 320), so a 16 px sign is 4 px there, not 2. */
const SMALL_MOTION = { ...MOTION, width: 320, minArea: 0.0001 };

type Mode = 'always' | 'motion';

/** Plays `frames` through a pipeline in `mode`; the detections of each frame, and CPU ms per frame. */
async function play(detector: Detector, frames: readonly Frame[], mode: Mode, motionSettings = MOTION) {
  const found: Detection[][] = [];
  const settings = {
    enabled: true,
    filter: { threshold: THRESHOLD, labels: [], minArea: 0, mask: [], zones: {} },
    tracking: DEFAULT_TRACKING,
    events: { smoothing: { kernel: 'mean' as const, frames: 1 }, start: 0.5, end: 0.25 },
    detect: { mode, keepAlive: 10 },
  };
  const pipeline = new CameraPipeline({
    id: 'bench',
    source: {
      async *frames() {
        yield* frames;
      },
    },
    kernels: { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) },
    model: modelOf(detector),
    motion: new MotionDetector(motionSettings),
    sink: {
      edgesWanted: () => false,
      edges() {},
      results: (_f, d) => found.push([...d]),
      event: async () => {},
    },
    settings,
  });
  const cpu = process.cpuUsage();
  await pipeline.run(new AbortController().signal);
  const used = process.cpuUsage(cpu);
  return { found, cpuMsPerFrame: (used.user + used.system) / 1000 / frames.length };
}

const asFrame = (data: Uint8Array, width: number, height: number, seq: number): Frame => ({
  width,
  height,
  channels: 3,
  data,
  seq,
  timestamp: seq * 100,
  source: 'bench',
});

async function rgb(file: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/**
 * `count` frames of one JPEG as a file camera delivers them (I420 planes, as ffmpeg decodes them:
 * capture/sources/jpeg-replay.ts), with +-4 levels of fresh grain on the Y plane each (8 grain
 * patterns, cycled).
 */
function staticReplay(jpeg: string, width: number, height: number, count: number): Frame[] {
  const planes = new Uint8Array(
    execFileSync(resolveFfmpeg(), ['-v', 'error', '-i', jpeg, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], {
      maxBuffer: 64 << 20,
    }),
  );
  const random = seededRandom(11);
  const variants = Array.from({ length: 8 }, () => {
    const out = planes.slice();
    for (let i = 0; i < width * height; i++)
      out[i] = Math.max(0, Math.min(255, planes[i]! + Math.round((random() - 0.5) * 8)));
    return out;
  });
  return Array.from(
    { length: count },
    (_, i) => new I420Frame('bench', i, i * 100, width, height, variants[i % 8]!),
  );
}

function iou(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / (a.w * a.h + b.w * b.h - ix * iy);
}

/** Ground truth of a sample frame: YOLO lines (class cx cy w h) as labelled boxes. */
function truthOf(file: string, labels: readonly string[]): { label: string; box: Box }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [c, cx, cy, w, h] = l.trim().split(/\s+/).map(Number) as [number, number, number, number, number];
      return { label: labels[c]!, box: { x: cx - w / 2, y: cy - h / 2, w, h } };
    });
}

const hit = (truth: { label?: string; box: Box }, found: readonly Detection[], minIou: number) =>
  found.some(
    (d) =>
      d.box !== undefined &&
      (truth.label === undefined || d.label === truth.label) &&
      iou(d.box, truth.box) >= minIou,
  );

async function drive(detector: Detector) {
  const labels = detector.info.labels;
  const names = readdirSync(SAMPLES)
    .filter((f) => /^frame_\d+\.txt$/.test(f))
    .sort();
  const frames = await Promise.all(
    names.map(async (n, i) => {
      const { data, width, height } = await rgb(join(SAMPLES, n.replace(/\.txt$/, '.jpg')));
      return asFrame(data, width, height, i);
    }),
  );
  const truth = names.map((n) => truthOf(join(SAMPLES, n), labels));
  const always = await play(detector, frames, 'always');
  const motion = await play(detector, frames, 'motion');
  // Per label (one sign of each on the drive): the frames where always finds it and motion does not.
  const byLabel = new Map<string, { always: number; motion: number; missedRun: number; run: number }>();
  truth.forEach((signs, i) => {
    for (const t of signs) {
      const s = byLabel.get(t.label) ?? { always: 0, motion: 0, missedRun: 0, run: 0 };
      const a = hit(t, always.found[i]!, 0.5);
      const m = hit(t, motion.found[i]!, 0.5);
      if (a) s.always++;
      if (m) s.motion++;
      s.run = a && !m ? s.run + 1 : 0;
      s.missedRun = Math.max(s.missedRun, s.run);
      byLabel.set(t.label, s);
    }
  });
  return { byLabel, frames: frames.length };
}

/**
 * `count` frames of small signs moving over a still 1280x720 picture (the synthetic camera's
 * background, held still: its drift would be motion everywhere), with their boxes.
 */
function smallSignFrames(count: number): { frames: Frame[]; truth: Box[][] } {
  const W = 1280;
  const H = 720;
  const background = new SyntheticScene(W, H, 3, 0).render(0);
  const random = seededRandom(21);
  const movers = SIGN_LABELS.slice(0, 4).map((label) => {
    const sprite = drawSign(label, 16 + Math.round(random() * 6));
    const angle = random() * Math.PI * 2;
    const speed = 6 + random() * 6;
    return {
      sprite,
      x0: 100 + random() * (W - 200),
      y0: 100 + random() * (H - 200),
      vx: Math.cos(angle) * speed,
      vy: Math.sin(angle) * speed,
    };
  });
  const bounce = (p: number, range: number) => {
    const q = ((p % (2 * range)) + 2 * range) % (2 * range);
    return q <= range ? q : 2 * range - q;
  };
  const frames: Frame[] = [];
  const truth: Box[][] = [];
  for (let i = 0; i < count; i++) {
    const data = background.slice();
    const boxes: Box[] = [];
    for (const m of movers) {
      const { size, rgba } = m.sprite;
      const x0 = Math.round(bounce(m.x0 + m.vx * i, W - size));
      const y0 = Math.round(bounce(m.y0 + m.vy * i, H - size));
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const s = (y * size + x) * 4;
          const a = rgba[s + 3]!;
          const o = ((y0 + y) * W + x0 + x) * 3;
          for (let c = 0; c < 3; c++) data[o + c] = (rgba[s + c]! * a + data[o + c]! * (255 - a) + 127) / 255;
        }
      }
      boxes.push({ x: x0 / W, y: y0 / H, w: size / W, h: size / H });
    }
    frames.push(asFrame(data, W, H, i));
    truth.push(boxes);
  }
  return { frames, truth };
}

async function smallSigns(detector: Detector) {
  const { frames, truth } = smallSignFrames(80);
  const recall = (found: Detection[][]) => {
    let n = 0;
    let hits = 0;
    // From frame 1: frame 0 primes the background, and both modes run the whole frame on it.
    for (let i = 1; i < frames.length; i++) {
      for (const box of truth[i]!) {
        n++;
        if (hit({ box }, found[i]!, 0.3)) hits++;
      }
    }
    return hits / n;
  };
  const always = await play(detector, frames, 'always', SMALL_MOTION);
  const motion = await play(detector, frames, 'motion', SMALL_MOTION);
  const height = Math.max(...truth.flat().map((b) => b.h * 720));
  return { always: recall(always.found), motion: recall(motion.found), height };
}

const detector = await createDetector({ model: 'models/signs', accelerator: 'cpu' });
try {
  const first = await sharp(join(SAMPLES, 'frame_000.jpg')).metadata();
  const still = staticReplay(join(SAMPLES, 'frame_000.jpg'), first.width!, first.height!, 200);
  await play(detector, still.slice(0, 20), 'always'); // warm-up: the model's first runs are slow
  const always = await play(detector, still, 'always');
  const motion = await play(detector, still, 'motion');
  const ratio = always.cpuMsPerFrame / motion.cpuMsPerFrame;
  console.log(
    `static replay, ${still.length} frames of ${first.width}x${first.height}, CPU per frame (process.cpuUsage):`,
  );
  console.log(`  detect.mode always  ${always.cpuMsPerFrame.toFixed(2)} ms`);
  console.log(`  detect.mode motion  ${motion.cpuMsPerFrame.toFixed(2)} ms`);
  console.log(`  ${ratio.toFixed(1)}x less (goal: at least 5x) ${ratio >= 5 ? 'met' : 'NOT met'}`);

  const { byLabel, frames } = await drive(detector);
  console.log(`\nsample drive (${SAMPLES}, ${frames} frames), frames each sign was found in, IoU >= 0.5:`);
  let same = true;
  let worstRun = 0;
  for (const [label, s] of [...byLabel].sort()) {
    console.log(
      `  ${label.padEnd(20)} always ${String(s.always).padStart(3)}  motion ${String(s.motion).padStart(3)}  longest run missed by motion only: ${s.missedRun}`,
    );
    if (s.always > 0 !== s.motion > 0) same = false;
    worstRun = Math.max(worstRun, s.missedRun);
  }
  console.log(
    `  same signs found: ${same ? 'yes' : 'NO'}; none missed for more than one frame: ${worstRun <= 1 ? 'yes' : `NO (${worstRun})`} (goal: yes, yes)`,
  );

  const small = await smallSigns(detector);
  const gain = small.motion / Math.max(small.always, 1e-9);
  console.log(
    `\nsmall signs (at most ${small.height.toFixed(0)} px tall) moving over 1280x720, recall at IoU >= 0.3:`,
  );
  console.log(`  whole frame (always)   ${(small.always * 100).toFixed(1)}%`);
  console.log(`  region crops (motion)  ${(small.motion * 100).toFixed(1)}%`);
  console.log(
    `  ${small.always === 0 ? 'from 0' : `${gain.toFixed(1)}x`} (goal: at least doubled) ${small.motion >= 2 * small.always && small.motion > 0 ? 'met' : 'NOT met'}`,
  );
} finally {
  await detector.close();
}
