import type { CropConfig } from '../config/source-schema.js';

/**
 * Crop, rotate, flip and gray conversion, applied once per frame in one pass: crop in captured
 * pixels, then turn clockwise, then mirror (the order config/default.yaml documents). A plan is
 * built once per input size; an identity plan hands the input through untouched, a crop-only plan
 * copies rows, anything else gathers pixels through a precomputed index map.
 */

export interface Orientation {
  readonly rotate: 0 | 90 | 180 | 270;
  readonly flip: 'none' | 'horizontal' | 'vertical' | 'both';
  readonly crop?: CropConfig | undefined;
  /** Deliver one gray channel instead of RGB. */
  readonly gray: boolean;
}

/** Turns one decoded image into the frame pixels; `data` may be returned as is (identity). */
export interface OrientPlan {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** True when apply hands every input through untouched. */
  readonly identity: boolean;
  apply(data: Uint8Array): Uint8Array;
}

/**
 * Builds the plan for images of `width` x `height` x `channels` (1 or 3).
 * @example orientPlan(640, 480, 3, { rotate: 90, flip: 'none', gray: false }).width // 480
 */
export function orientPlan(
  width: number,
  height: number,
  channels: 1 | 3,
  orientation: Orientation,
): OrientPlan {
  const crop = orientation.crop ?? { x: 0, y: 0, width, height };
  const cw = Math.min(crop.width, width - crop.x);
  const ch = Math.min(crop.height, height - crop.y);
  const turned = orientation.rotate === 90 || orientation.rotate === 270;
  const outW = turned ? ch : cw;
  const outH = turned ? cw : ch;
  const outChannels: 1 | 3 = orientation.gray ? 1 : channels;
  const toGray = orientation.gray && channels === 3;
  const moves = orientation.rotate !== 0 || orientation.flip !== 'none';
  const cropped = cw !== width || ch !== height;

  if (!moves && !cropped && !toGray) {
    return { width: outW, height: outH, channels: outChannels, identity: true, apply: (data) => data };
  }
  if (!moves) {
    return {
      width: outW,
      height: outH,
      channels: outChannels,
      identity: false,
      apply: (data) => cropRows(data, width, channels, crop.x, crop.y, cw, ch, toGray),
    };
  }
  const map = indexMap(cw, ch, outW, outH, orientation, crop.x, crop.y, width, channels);
  return {
    width: outW,
    height: outH,
    channels: outChannels,
    identity: false,
    apply: (data) =>
      toGray ? gatherGray(data, map) : channels === 3 ? gatherRgb(data, map) : gather1(data, map),
  };
}

/** For each output pixel, the byte offset of its input pixel. */
function indexMap(
  cw: number,
  ch: number,
  outW: number,
  outH: number,
  o: Orientation,
  x0: number,
  y0: number,
  inW: number,
  channels: number,
): Int32Array {
  const map = new Int32Array(outW * outH);
  const mirrorX = o.flip === 'horizontal' || o.flip === 'both';
  const mirrorY = o.flip === 'vertical' || o.flip === 'both';
  let i = 0;
  for (let oy = 0; oy < outH; oy++) {
    const fy = mirrorY ? outH - 1 - oy : oy;
    for (let ox = 0; ox < outW; ox++) {
      const fx = mirrorX ? outW - 1 - ox : ox;
      let sx: number;
      let sy: number;
      // Undo a clockwise turn: where in the crop did the pixel at (fx, fy) come from.
      if (o.rotate === 90) {
        sx = fy;
        sy = ch - 1 - fx;
      } else if (o.rotate === 180) {
        sx = cw - 1 - fx;
        sy = ch - 1 - fy;
      } else if (o.rotate === 270) {
        sx = cw - 1 - fy;
        sy = fx;
      } else {
        sx = fx;
        sy = fy;
      }
      map[i++] = ((y0 + sy) * inW + x0 + sx) * channels;
    }
  }
  return map;
}

function gatherRgb(data: Uint8Array, map: Int32Array): Uint8Array {
  const out = new Uint8Array(map.length * 3);
  for (let i = 0, o = 0; i < map.length; i++, o += 3) {
    const s = map[i]!;
    out[o] = data[s]!;
    out[o + 1] = data[s + 1]!;
    out[o + 2] = data[s + 2]!;
  }
  return out;
}

function gather1(data: Uint8Array, map: Int32Array): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = data[map[i]!]!;
  return out;
}

function gatherGray(data: Uint8Array, map: Int32Array): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) {
    const s = map[i]!;
    out[i] = luma(data[s]!, data[s + 1]!, data[s + 2]!);
  }
  return out;
}

function cropRows(
  data: Uint8Array,
  inW: number,
  channels: number,
  x0: number,
  y0: number,
  cw: number,
  ch: number,
  toGray: boolean,
): Uint8Array {
  const out = new Uint8Array(cw * ch * (toGray ? 1 : channels));
  if (toGray) {
    let o = 0;
    for (let y = 0; y < ch; y++) {
      let s = ((y0 + y) * inW + x0) * 3;
      for (let x = 0; x < cw; x++, s += 3) out[o++] = luma(data[s]!, data[s + 1]!, data[s + 2]!);
    }
    return out;
  }
  const row = cw * channels;
  for (let y = 0; y < ch; y++) {
    const s = ((y0 + y) * inW + x0) * channels;
    out.set(data.subarray(s, s + row), y * row);
  }
  return out;
}

/** ITU-R BT.601 luma in integers (weights 77, 150, 29 out of 256), as libjpeg converts. */
function luma(r: number, g: number, b: number): number {
  return (77 * r + 150 * g + 29 * b + 128) >> 8;
}
