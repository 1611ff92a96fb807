import type { Box, Detection } from '../detection.js';

/**
 * Where the model looks when only parts of the frame moved: crops around the moving regions,
 * grown by a margin of context, squared (the model's input is square, and a square crop keeps the
 * object's shape), at least the model's input size (so a small far object reaches the model at
 * full resolution instead of shrunk with the whole frame) and at most the frame; overlapping
 * crops merge into one, so an object is not cut in two. Detections in a crop map back to frame
 * coordinates exactly. Pure functions: the pipeline plans, crops and maps with them.
 */

/** A crop in frame pixels: whole numbers, inside the frame; x, y and sizes even where the frame allows (I420 halves them). */
export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface CropOptions {
  /** Context around each region, as a share of its larger side (default 0.25). */
  readonly margin?: number;
  /** More crops than this run as one whole-frame run instead (default 4). */
  readonly maxCrops?: number;
}

/**
 * The crops for `regions` (normalised) in a frame of `frame`'s size, each at least `minSide`
 * pixels on a side where the frame allows; one whole-frame crop when the crops would cover about
 * as much as the frame (or be too many).
 * @example planCrops([{ x: 0.5, y: 0.5, w: 0.02, h: 0.04 }], { width: 1280, height: 720 }, 320) // [{ x: 480, y: 220, w: 320, h: 320 }]
 */
export function planCrops(
  regions: readonly Box[],
  frame: { readonly width: number; readonly height: number },
  minSide: number,
  options: CropOptions = {},
): CropRect[] {
  const { width: W, height: H } = frame;
  const margin = options.margin ?? 0.25;
  const maxCrops = options.maxCrops ?? 4;
  let crops = regions.map((r) => {
    const pad = Math.max(r.w * W, r.h * H) * margin;
    return squareAround(
      { x: r.x * W - pad, y: r.y * H - pad, w: r.w * W + 2 * pad, h: r.h * H + 2 * pad },
      minSide,
      W,
      H,
    );
  });
  // Merge overlapping crops until none overlap (a merged crop may reach a third).
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < crops.length && !merged; i++) {
      for (let j = i + 1; j < crops.length && !merged; j++) {
        if (!overlap(crops[i]!, crops[j]!)) continue;
        const union = unionOf(crops[i]!, crops[j]!);
        crops = [...crops.filter((_, k) => k !== i && k !== j), squareAround(union, minSide, W, H)];
        merged = true;
      }
    }
  }
  const area = crops.reduce((sum, c) => sum + c.w * c.h, 0);
  if (crops.length > maxCrops || area >= W * H * 0.8) return [{ x: 0, y: 0, w: W, h: H }];
  return crops;
}

/**
 * A detection's box, normalised to its crop, normalised to the whole frame instead.
 * @example toFrame({ x: 0.5, y: 0.5, w: 0.25, h: 0.25 }, { x: 100, y: 0, w: 200, h: 200 }, { width: 400, height: 200 }) // { x: 0.5, y: 0.5, w: 0.125, h: 0.25 }
 */
export function toFrame(
  box: Box,
  crop: CropRect,
  frame: { readonly width: number; readonly height: number },
): Box {
  return {
    x: (crop.x + box.x * crop.w) / frame.width,
    y: (crop.y + box.y * crop.h) / frame.height,
    w: (box.w * crop.w) / frame.width,
    h: (box.h * crop.h) / frame.height,
  };
}

/**
 * The detections of several crops as one frame's: boxes mapped to the frame, then greedy
 * non-maximum suppression across crops (same label, IoU over `sameObject`: the better score stays), so
 * an object seen in two overlapping crops is reported once.
 * @example mergeCropDetections([[stopInA], [stopInB]], [a, b], frame)
 */
export function mergeCropDetections(
  perCrop: readonly (readonly Detection[])[],
  crops: readonly CropRect[],
  frame: { readonly width: number; readonly height: number },
  sameObject = 0.5,
): Detection[] {
  const mapped: Detection[] = [];
  perCrop.forEach((found, i) => {
    for (const d of found)
      mapped.push(d.box === undefined ? d : { ...d, box: toFrame(d.box, crops[i]!, frame) });
  });
  mapped.sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of mapped) {
    if (
      d.box !== undefined &&
      kept.some((k) => k.label === d.label && k.box !== undefined && iou(k.box, d.box!) > sameObject)
    )
      continue;
    kept.push(d);
  }
  return kept;
}

/** Whether the centre of `box` (normalised) lies inside a crop. */
export function inCrops(
  box: Box,
  crops: readonly CropRect[],
  frame: { readonly width: number; readonly height: number },
): boolean {
  const cx = (box.x + box.w / 2) * frame.width;
  const cy = (box.y + box.h / 2) * frame.height;
  return crops.some((c) => cx >= c.x && cx < c.x + c.w && cy >= c.y && cy < c.y + c.h);
}

/** The square of side max(w, h, minSide) centred on `r`, cut to the frame's sizes, shifted inside it, on even pixels. */
function squareAround(
  r: { x: number; y: number; w: number; h: number },
  minSide: number,
  W: number,
  H: number,
): CropRect {
  const side = Math.max(r.w, r.h, minSide);
  const w = Math.min(W, even(Math.ceil(side)));
  const h = Math.min(H, even(Math.ceil(side)));
  const x = Math.max(0, Math.min(W - w, evenDown(r.x + r.w / 2 - w / 2)));
  const y = Math.max(0, Math.min(H - h, evenDown(r.y + r.h / 2 - h / 2)));
  return { x, y, w, h };
}

const even = (n: number) => n + (n & 1);
const evenDown = (n: number) => Math.floor(n / 2) * 2;

function overlap(a: CropRect, b: CropRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function unionOf(a: CropRect, b: CropRect): { x: number; y: number; w: number; h: number } {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * Intersection over union of two boxes; 0 when they do not meet.
 * @example iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }) // 1/3
 */
export function iou(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}
