import type { Box } from '../../detection.js';

/**
 * A constant-velocity Kalman filter on a box's centre and size (cx, cy, w, h, each with its
 * velocity per frame), the motion model of SORT and ByteTrack
 * (https://arxiv.org/abs/1602.00763, https://arxiv.org/abs/2110.06864). With a transition that
 * moves each coordinate by its own velocity, a measurement of the four coordinates, and diagonal
 * noise (ByteTrack's), the 8x8 covariance stays block-diagonal: four independent 2x2 filters of
 * (position, velocity). So a filter is 20 numbers and a few multiplications, no matrix library.
 *
 * Noise follows ByteTrack's weights, scaled by the box's size (width for cx and w, height for cy
 * and h) so that a small distant sign and a near one move alike relative to their size; the
 * velocity's is 3x ByteTrack's (1/50 of the size a frame, not 1/160): ByteTrack's is for people
 * filmed at 30 fps, and a sign seen from a moving camera at 10 fps speeds up and grows from frame to
 * frame as it comes near (bench/tracking.ts: on its drive at 1 m a frame, 16 ID switches per 100
 * signs instead of 39; at 0.33 m a frame 10 instead of 9, and crossings 76 instead of 70).
 */

/** Numbers per coordinate: position, velocity, covariance P00 (position), P01, P11 (velocity). */
const STRIDE = 5;
/** Numbers per filter: four coordinates. */
export const FILTER_SIZE = 4 * STRIDE;

const POSITION_WEIGHT = 1 / 20;
const VELOCITY_WEIGHT = 1 / 50;
/** A predicted size never shrinks below this (normalised): a shrinking box would invert. */
const MIN_SIZE = 1e-4;

/** Starts the filter at `box`, at rest, with ByteTrack's initial uncertainty. */
export function initFilter(f: Float64Array, box: Box): void {
  setCoordinate(f, 0, box.x + box.w / 2, box.w);
  setCoordinate(f, 1, box.y + box.h / 2, box.h);
  setCoordinate(f, 2, box.w, box.w);
  setCoordinate(f, 3, box.h, box.h);
}

function setCoordinate(f: Float64Array, k: number, value: number, size: number): void {
  const o = k * STRIDE;
  const sp = 2 * POSITION_WEIGHT * size;
  const sv = 10 * VELOCITY_WEIGHT * size;
  f[o] = value;
  f[o + 1] = 0;
  f[o + 2] = sp * sp;
  f[o + 3] = 0;
  f[o + 4] = sv * sv;
}

/** Moves the filter one frame ahead (x += v; P = F P F' + Q). */
export function predictFilter(f: Float64Array): void {
  const w = Math.max(f[2 * STRIDE]!, MIN_SIZE);
  const h = Math.max(f[3 * STRIDE]!, MIN_SIZE);
  predictCoordinate(f, 0, w);
  predictCoordinate(f, STRIDE, h);
  predictCoordinate(f, 2 * STRIDE, w);
  predictCoordinate(f, 3 * STRIDE, h);
  if (f[2 * STRIDE]! < MIN_SIZE) f[2 * STRIDE] = MIN_SIZE;
  if (f[3 * STRIDE]! < MIN_SIZE) f[3 * STRIDE] = MIN_SIZE;
}

function predictCoordinate(f: Float64Array, o: number, size: number): void {
  const qp = POSITION_WEIGHT * size;
  const qv = VELOCITY_WEIGHT * size;
  const p00 = f[o + 2]!;
  const p01 = f[o + 3]!;
  const p11 = f[o + 4]!;
  f[o] = f[o]! + f[o + 1]!;
  f[o + 2] = p00 + 2 * p01 + p11 + qp * qp;
  f[o + 3] = p01 + p11;
  f[o + 4] = p11 + qv * qv;
}

/** Corrects the filter with a measured box. */
export function updateFilter(f: Float64Array, box: Box): void {
  const w = Math.max(f[2 * STRIDE]!, MIN_SIZE);
  const h = Math.max(f[3 * STRIDE]!, MIN_SIZE);
  updateCoordinate(f, 0, box.x + box.w / 2, w);
  updateCoordinate(f, STRIDE, box.y + box.h / 2, h);
  updateCoordinate(f, 2 * STRIDE, box.w, w);
  updateCoordinate(f, 3 * STRIDE, box.h, h);
}

function updateCoordinate(f: Float64Array, o: number, z: number, size: number): void {
  const r = POSITION_WEIGHT * size;
  const p00 = f[o + 2]!;
  const p01 = f[o + 3]!;
  const s = p00 + r * r;
  const k0 = p00 / s;
  const k1 = p01 / s;
  const y = z - f[o]!;
  f[o] = f[o]! + k0 * y;
  f[o + 1] = f[o + 1]! + k1 * y;
  f[o + 2] = (1 - k0) * p00;
  f[o + 3] = (1 - k0) * p01;
  f[o + 4] = f[o + 4]! - k1 * p01;
}

/** The filter's box (top-left corner and size) into `out`. */
export function filterBox(f: Float64Array, out: { x: number; y: number; w: number; h: number }): void {
  const w = f[2 * STRIDE]!;
  const h = f[3 * STRIDE]!;
  out.x = f[0]! - w / 2;
  out.y = f[STRIDE]! - h / 2;
  out.w = w;
  out.h = h;
}
