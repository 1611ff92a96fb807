import type { Box, Detection } from '../src/detection.js';
import { iou } from '../src/pipeline/tracking/box-measures.js';
import { seededRandom } from '../src/random.js';
import type { MotBox } from './mot-metrics.js';

/**
 * Synthetic sequences with ground-truth tracks for bench/tracking.ts, and a simulated detector
 * over them: boxes are generated directly (the tracker sees boxes, not pixels), with the faults a
 * real detector has: jittered boxes, missed frames, scores that drop when an object is half
 * hidden, and false detections that last a frame.
 */

export interface TruthObject extends MotBox {
  readonly label: string;
}

export interface Scene {
  readonly name: string;
  /** Per frame, the objects in view (clipped to the frame), with their ground-truth ids. */
  readonly frames: readonly (readonly TruthObject[])[];
}

const LABELS = ['stop', 'warning', 'no-entry', 'ahead-only', 'turn-left', 'turn-right'] as const;

/** A box clipped to the frame, or undefined when less than 40% of it is in view. */
function inView(box: Box): Box | undefined {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(1, box.x + box.w);
  const y1 = Math.min(1, box.y + box.h);
  if (x1 <= x0 || y1 <= y0) return undefined;
  if ((x1 - x0) * (y1 - y0) < 0.4 * box.w * box.h) return undefined;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/**
 * An object of a scene as a function of the frame index: its box (undefined: not in view, or
 * hidden), and where objects can stand in front of each other, its distance from the camera.
 */
interface SceneObject {
  readonly id: string;
  readonly label: string;
  readonly at: (t: number) => Box | undefined;
  readonly depth?: (t: number) => number;
}

/** Area of `box` covered by `other`. */
function covered(box: Box, other: Box): number {
  const ix = Math.min(box.x + box.w, other.x + other.w) - Math.max(box.x, other.x);
  const iy = Math.min(box.y + box.h, other.y + other.h) - Math.max(box.y, other.y);
  return ix > 0 && iy > 0 ? ix * iy : 0;
}

/**
 * The scene's frames. Signs are opaque: an object with a depth is out of view, as at the frame's
 * edge, when less than 40% of it shows past the nearer objects in front of it.
 */
function scene(name: string, length: number, objects: readonly SceneObject[]): Scene {
  const frames = Array.from({ length }, (_, t) => {
    const seen = objects.flatMap((o) => {
      const raw = o.at(t);
      const box = raw === undefined ? undefined : inView(raw);
      return box === undefined ? [] : [{ o, raw: raw!, box, depth: o.depth?.(t) ?? 0 }];
    });
    return seen
      .filter(({ o, raw, depth }) => {
        if (o.depth === undefined) return true;
        const hidden = seen.reduce((sum, e) => (e.depth < depth ? sum + covered(raw, e.raw) : sum), 0);
        return hidden < 0.6 * raw.w * raw.h;
      })
      .map(({ o, box }) => ({ id: o.id, label: o.label, box }));
  });
  return { name, frames };
}

/**
 * A camera driving past `signs` roadside signs at `metresPerFrame` (0.33: 12 km/h at 10 fps, or
 * 36 km/h at 30 fps; 1: 36 km/h at 10 fps): each sign comes out of the distance small near the
 * vanishing point (in the ground truth from 0.02 of the frame, when a detector can see it), grows
 * faster and faster and leaves at the side; a quarter come in pairs on one post, a passing truck
 * hides 30% of them once, for 2 to 8 frames, and a sign behind a nearer one is out of view while
 * less than 40% of it shows (signs are opaque: a camera never sees two at one place).
 */
export function drive(seed: number, metresPerFrame: number, signs = 120, hideChance = 0.3): Scene {
  const random = seededRandom(seed);
  const focal = 0.8;
  const objects: SceneObject[] = [];
  let start = 0;
  for (let i = 0; i < signs; i++) {
    start += Math.round((2 + Math.floor(random() * 8)) / metresPerFrame);
    const side = random() < 0.5 ? -1 : 1;
    const lateral = side * (1.5 + random() * 2.5);
    const height = 0.5 + random() * 1.5;
    const size = 0.5 + random() * 0.4;
    const t0 = start;
    const hideFrom = random() < hideChance ? 4 + Math.floor(random() * 8) : -1;
    const hideFor = 2 + Math.floor(random() * 7);
    const pair = random() < 0.25;
    for (let k = 0; k < (pair ? 2 : 1); k++) {
      const y = height + k * (size + 0.1);
      objects.push({
        id: `s${i}.${k}`,
        label: LABELS[Math.floor(random() * LABELS.length)]!,
        at: (t) => {
          const z = 30 - (t - t0) * metresPerFrame;
          if (t < t0 || z < 1) return undefined;
          const seen = t - t0 - Math.round(6 / metresPerFrame);
          if (seen >= hideFrom && hideFrom >= 0 && seen < hideFrom + hideFor) return undefined;
          const s = (focal * size) / z;
          // Too small to be detected yet: out of the ground truth as well.
          if (s < 0.02) return undefined;
          const cx = 0.5 + (focal * lateral) / z;
          const cy = 0.45 - (focal * y) / z;
          return { x: cx - s / 2, y: cy - s / 2, w: s, h: s };
        },
        depth: (t) => 30 - (t - t0) * metresPerFrame,
      });
    }
  }
  return scene('drive', start + Math.ceil(40 / metresPerFrame), objects);
}

/** Pairs of signs of one label whose paths cross at random angles, near the middle of the frame. */
export function crossings(seed: number, pairs = 40): Scene {
  const random = seededRandom(seed);
  const objects: SceneObject[] = [];
  const span = 40;
  for (let i = 0; i < pairs; i++) {
    const label = LABELS[i % LABELS.length]!;
    const t0 = i * span;
    const meet = { x: 0.3 + random() * 0.4, y: 0.3 + random() * 0.4 };
    const size = 0.06 + random() * 0.06;
    for (let k = 0; k < 2; k++) {
      const angle = random() * Math.PI * 2;
      const speed = 0.006 + random() * 0.01;
      const vx = Math.cos(angle) * speed;
      const vy = Math.sin(angle) * speed;
      objects.push({
        id: `c${i}.${k}`,
        label,
        at: (t) => {
          const u = t - t0 - span / 2;
          if (t < t0 || t >= t0 + span) return undefined;
          return { x: meet.x + vx * u - size / 2, y: meet.y + vy * u - size / 2, w: size, h: size };
        },
      });
    }
  }
  return scene('crossings', pairs * span, objects);
}

/** Signs moving across the frame, hidden behind something for 1 to 12 frames halfway. */
export function occlusions(seed: number, count = 60): Scene {
  const random = seededRandom(seed);
  const objects: SceneObject[] = [];
  const span = 50;
  for (let i = 0; i < count; i++) {
    const t0 = i * 25;
    const size = 0.05 + random() * 0.08;
    const y = 0.1 + random() * 0.7;
    const speed = (0.004 + random() * 0.01) * (random() < 0.5 ? -1 : 1);
    const x0 = speed > 0 ? 0.05 : 0.95 - size;
    const hidden = 1 + (i % 12);
    objects.push({
      id: `o${i}`,
      label: LABELS[Math.floor(random() * LABELS.length)]!,
      at: (t) => {
        const u = t - t0;
        if (u < 0 || u >= span || (u >= 20 && u < 20 + hidden)) return undefined;
        return { x: x0 + speed * u, y, w: size, h: size };
      },
    });
  }
  return scene('occlusions', count * 25 + span, objects);
}

/**
 * A robot turning its head: a sign drifts out of the frame at the side and back in, out of view
 * for 2 to 12 frames. The same sign throughout, so ground truth keeps its id.
 */
export function leaveAndReturn(seed: number, count = 40): Scene {
  const random = seededRandom(seed);
  const objects: SceneObject[] = [];
  const span = 60;
  for (let i = 0; i < count; i++) {
    const t0 = i * span;
    const size = 0.08 + random() * 0.08;
    const y = 0.2 + random() * 0.5;
    const away = 2 + (i % 11);
    const right = random() < 0.5;
    const speed = 0.02;
    objects.push({
      id: `r${i}`,
      label: LABELS[Math.floor(random() * LABELS.length)]!,
      at: (t) => {
        const u = t - t0;
        if (u < 0 || u >= span) return undefined;
        // Out at u = 20, back at u = 20 + away; in view it moves steadily, out of view it waits.
        const travel = u < 20 ? u : u < 20 + away ? 20 : 40 + away - u;
        const x = right ? 0.6 + speed * travel : 0.4 - size - speed * travel;
        return { x, y, w: size, h: size };
      },
    });
  }
  return scene('leave-and-return', count * span, objects);
}

export interface DetectorFaults {
  /** Chance that an object in view is not detected in a frame. */
  readonly miss: number;
  /** Box jitter: standard deviation of each coordinate, as a fraction of the box's size. */
  readonly jitter: number;
  /** Chance that a detection scores low (0.2 .. 0.5, below the threshold), as a half-hidden object does. */
  readonly lowScore: number;
  /** False detections per frame (each lasts one frame). */
  readonly falsePerFrame: number;
}

export const DETECTOR: DetectorFaults = { miss: 0.05, jitter: 0.04, lowScore: 0.1, falsePerFrame: 0.1 };

/** What a detector with `faults` finds in each frame of `scene`. */
export function detect(scene: Scene, seed: number, faults: DetectorFaults = DETECTOR): Detection[][] {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return scene.frames.map((objects) => {
    const found: Detection[] = [];
    for (const o of objects) {
      if (random() < faults.miss) continue;
      const { x, y, w, h } = o.box;
      const j = faults.jitter;
      const score = random() < faults.lowScore ? 0.2 + random() * 0.3 : 0.55 + random() * 0.4;
      found.push({
        label: o.label,
        classId: LABELS.indexOf(o.label as (typeof LABELS)[number]),
        score,
        box: {
          x: x + gauss() * j * w,
          y: y + gauss() * j * h,
          w: w * (1 + gauss() * j),
          h: h * (1 + gauss() * j),
        },
      });
    }
    // False detections: Bernoulli per frame at this rate's fraction (rates under 1).
    if (random() < faults.falsePerFrame) {
      const s = 0.03 + random() * 0.1;
      const label = LABELS[Math.floor(random() * LABELS.length)]!;
      found.push({
        label,
        classId: LABELS.indexOf(label),
        score: 0.5 + random() * 0.3,
        box: { x: random() * (1 - s), y: random() * (1 - s), w: s, h: s },
      });
    }
    return nms(found);
  });
}

/**
 * Class-aware non-maximum suppression at IoU 0.45, as the model decoders do (src/inference/decode/nms.ts):
 * two signs of one kind that overlap that much are one detection, the better scored.
 */
function nms(found: Detection[]): Detection[] {
  found.sort((a, b) => b.score - a.score);
  return found.filter(
    (d, i) => !found.some((e, j) => j < i && e.label === d.label && iou(e.box!, d.box!) > 0.45),
  );
}
