import type { Detection } from '../detection.js';
import type { InputSpec } from './manifest.js';

/**
 * Where a frame lands in the model input: input pixel x = frame x * scaleX + offsetX (pixel
 * centres at +0.5, as OpenCV's and Ultralytics' resizes place them). Only input pixels in
 * [contentX0, contentX1) x [contentY0, contentY1) hold the frame; the rest is letterbox padding.
 */
export interface Placement {
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly contentX0: number;
  readonly contentX1: number;
  readonly contentY0: number;
  readonly contentY1: number;
}

/**
 * How a frame of this size fits the model input under the manifest's resize mode:
 * `stretch` scales each axis on its own; `letterbox` keeps the aspect ratio and pads (Ultralytics'
 * rule: centred, left/top = round(gap / 2 - 0.1)); `center-crop` keeps the aspect ratio and cuts
 * the longer axis's edges.
 * @example placeFrame(640, 480, { width: 320, height: 320, resize: 'letterbox' }).contentY0 // 40
 */
export function placeFrame(
  frameWidth: number,
  frameHeight: number,
  input: Pick<InputSpec, 'width' | 'height' | 'resize'>,
): Placement {
  const { width: w, height: h } = input;
  const base = { frameWidth, frameHeight, inputWidth: w, inputHeight: h };
  if (input.resize === 'stretch') {
    return {
      ...base,
      scaleX: w / frameWidth,
      scaleY: h / frameHeight,
      offsetX: 0,
      offsetY: 0,
      contentX0: 0,
      contentX1: w,
      contentY0: 0,
      contentY1: h,
    };
  }
  if (input.resize === 'letterbox') {
    const s = Math.min(w / frameWidth, h / frameHeight);
    const newW = Math.min(w, Math.max(1, Math.round(frameWidth * s)));
    const newH = Math.min(h, Math.max(1, Math.round(frameHeight * s)));
    const left = Math.max(0, Math.round((w - newW) / 2 - 0.1));
    const top = Math.max(0, Math.round((h - newH) / 2 - 0.1));
    return {
      ...base,
      scaleX: newW / frameWidth,
      scaleY: newH / frameHeight,
      offsetX: left,
      offsetY: top,
      contentX0: left,
      contentX1: left + newW,
      contentY0: top,
      contentY1: top + newH,
    };
  }
  const s = Math.max(w / frameWidth, h / frameHeight);
  return {
    ...base,
    scaleX: s,
    scaleY: s,
    offsetX: (w - frameWidth * s) / 2,
    offsetY: (h - frameHeight * s) / 2,
    contentX0: 0,
    contentX1: w,
    contentY0: 0,
    contentY1: h,
  };
}

/**
 * Maps a box normalised to the model input back to normalised coordinates of the original frame,
 * clipped to it; a box that lies wholly in the padding (or is empty after clipping) gives undefined.
 * @example frameBox(placement, { x: 0.25, y: 0.25, w: 0.5, h: 0.5 })
 */
export function frameBox(p: Placement, box: NonNullable<Detection['box']>): Detection['box'] | undefined {
  const x0 = clip01((box.x * p.inputWidth - p.offsetX) / p.scaleX / p.frameWidth);
  const y0 = clip01((box.y * p.inputHeight - p.offsetY) / p.scaleY / p.frameHeight);
  const x1 = clip01(((box.x + box.w) * p.inputWidth - p.offsetX) / p.scaleX / p.frameWidth);
  const y1 = clip01(((box.y + box.h) * p.inputHeight - p.offsetY) / p.scaleY / p.frameHeight);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

function clip01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
