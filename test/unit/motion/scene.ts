import type { Box } from '../../../src/detection.js';
import type { CameraImage } from '../../../src/frame.js';
import { seededRandom } from '../../../src/random.js';

/**
 * Synthetic RGB sequences with known movers for the motion tests: a fixed textured background
 * (blotches of value noise), fresh sensor grain every frame, solid boxes at known places, and an
 * optional lighting change (gain and offset on every pixel).
 */

export interface Mover {
  /** Where the box is in frame i, in pixels (top-left), and its size. */
  at(i: number): { x: number; y: number; w: number; h: number };
  readonly rgb: readonly [number, number, number];
}

export class TestScene {
  readonly #background: Float32Array;
  readonly #random: () => number;

  constructor(
    readonly width: number,
    readonly height: number,
    seed = 7,
  ) {
    this.#random = seededRandom(seed);
    const cell = 24;
    const gw = Math.ceil(width / cell) + 2;
    const grid = Array.from({ length: gw * (Math.ceil(height / cell) + 2) }, () => this.#random());
    this.#background = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const gx = x / cell;
        const gy = y / cell;
        const ix = Math.floor(gx);
        const iy = Math.floor(gy);
        const fx = gx - ix;
        const fy = gy - iy;
        const a = grid[iy * gw + ix]!;
        const b = grid[iy * gw + ix + 1]!;
        const c = grid[(iy + 1) * gw + ix]!;
        const d = grid[(iy + 1) * gw + ix + 1]!;
        this.#background[y * width + x] =
          70 + 80 * (a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy);
      }
    }
  }

  /** Frame i with `movers` drawn, grain of +-`grain` levels, and lighting v -> gain v + offset. */
  frame(i: number, movers: readonly Mover[], light = { gain: 1, offset: 0 }, grain = 8): CameraImage {
    const { width, height } = this;
    const data = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      const v = this.#background[p]!;
      for (let c = 0; c < 3; c++)
        data[p * 3 + c] = clamp(light.gain * v + light.offset + (this.#random() - 0.5) * 2 * grain);
    }
    for (const m of movers) {
      const { x, y, w, h } = m.at(i);
      for (let yy = Math.max(0, y); yy < Math.min(height, y + h); yy++) {
        for (let xx = Math.max(0, x); xx < Math.min(width, x + w); xx++) {
          for (let c = 0; c < 3; c++)
            data[(yy * width + xx) * 3 + c] = clamp(light.gain * m.rgb[c]! + light.offset);
        }
      }
    }
    return { width, height, channels: 3, data };
  }

  /** Mover `m` in frame i as a normalised box. */
  box(m: Mover, i: number): Box {
    const { x, y, w, h } = m.at(i);
    return { x: x / this.width, y: y / this.height, w: w / this.width, h: h / this.height };
  }
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

/** A box of w x h moving from (x0, y0) by (vx, vy) pixels a frame. */
export function mover(
  x0: number,
  y0: number,
  w: number,
  h: number,
  vx: number,
  vy: number,
  rgb: readonly [number, number, number] = [230, 40, 40],
): Mover {
  return { at: (i) => ({ x: Math.round(x0 + vx * i), y: Math.round(y0 + vy * i), w, h }), rgb };
}

/** Whether box `a` contains the centre of box `b`. */
export function containsCentre(a: Box, b: Box): boolean {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  return cx >= a.x && cx <= a.x + a.w && cy >= a.y && cy <= a.y + a.h;
}
