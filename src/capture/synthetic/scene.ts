import { seededRandom } from '../../random.js';
import { drawSign, SIGN_LABELS, type SignLabel, type Sprite } from './signs.js';

/**
 * The synthetic camera's picture: signs moving over a textured, noisy background, a pure
 * function of (seed, frame index), so a test or a training set can ask for frame 1234 again.
 * Everything that does not move is computed once (background texture, sprites, noise table);
 * a frame is a scrolled copy of the background, fresh grain and the signs blended in.
 */

/** Where a sign is in a frame, for ground truth: box normalised to 0..1. */
export interface SceneObject {
  readonly label: SignLabel;
  readonly box: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

interface Mover {
  readonly sprite: Sprite;
  readonly x0: number;
  readonly y0: number;
  readonly vx: number;
  readonly vy: number;
}

/** A prime, so that successive frames start the grain at unrelated places. */
const GRAIN_STEP = 7919;
const GRAIN_SPARE = 4096;

/**
 * A synthetic scene of `width` x `height` with `signs` moving signs.
 * @example const scene = new SyntheticScene(640, 480, 1, 4); const rgb = scene.render(0);
 */
export class SyntheticScene {
  readonly width: number;
  readonly height: number;
  readonly #background: Uint8Array;
  readonly #grain: Int8Array;
  readonly #movers: Mover[];

  /**
   * `signSize`, when given, sets the signs' sizes in pixels (spread over min..max) instead of
   * 12..20% of the frame's smaller side: small far signs for the motion benchmark.
   */
  constructor(
    width: number,
    height: number,
    seed: number,
    signs: number,
    signSize?: { readonly min: number; readonly max: number },
  ) {
    this.width = width;
    this.height = height;
    const random = seededRandom(seed);
    this.#background = texture(width, height, random);
    this.#grain = new Int8Array(width * height * 3 + GRAIN_SPARE);
    for (let i = 0; i < this.#grain.length; i++) this.#grain[i] = Math.round((random() - 0.5) * 18);
    const base = Math.max(8, Math.round(Math.min(width, height) * 0.2));
    const sprites = new Map<string, Sprite>();
    const labels = [...SIGN_LABELS].sort(() => random() - 0.5);
    this.#movers = [];
    for (let i = 0; i < signs; i++) {
      const label = labels[i % labels.length]!;
      const step = Math.floor(random() * 3);
      const size =
        signSize === undefined
          ? Math.max(8, Math.round(base * (0.6 + 0.2 * step)))
          : Math.round(signSize.min + ((signSize.max - signSize.min) * step) / 2);
      const key = `${label}:${size}`;
      let sprite = sprites.get(key);
      if (sprite === undefined) {
        sprite = drawSign(label, size);
        sprites.set(key, sprite);
      }
      const speed = Math.min(width, height) * (0.004 + random() * 0.01);
      const angle = random() * Math.PI * 2;
      this.#movers.push({
        sprite,
        x0: random() * Math.max(1, width - size),
        y0: random() * Math.max(1, height - size),
        vx: Math.cos(angle) * speed,
        vy: Math.sin(angle) * speed,
      });
    }
  }

  /** Where each sign is in frame `index`. */
  objectsAt(index: number): SceneObject[] {
    return this.#movers.map((m) => {
      const { x, y } = this.#position(m, index);
      const s = m.sprite.size;
      return {
        label: m.sprite.label,
        box: { x: x / this.width, y: y / this.height, w: s / this.width, h: s / this.height },
      };
    });
  }

  /**
   * Frame `index` as RGB bytes (width x height x 3), into `out` when given.
   * @example scene.render(7).length // 640 * 480 * 3
   */
  render(index: number, out = new Uint8Array(this.width * this.height * 3)): Uint8Array {
    const { width, height } = this;
    const row = width * 3;
    // The background drifts sideways, a pixel per frame: a row copy in two pieces.
    const shift = (index % width) * 3;
    const bg = this.#background;
    for (let y = 0; y < height; y++) {
      const o = y * row;
      out.set(bg.subarray(o + shift, o + row), o);
      out.set(bg.subarray(o, o + shift), o + row - shift);
    }
    // Sensor grain: a window of the noise table, clamped by the Uint8ClampedArray view.
    const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
    const grain = this.#grain;
    const start = (index * GRAIN_STEP) % GRAIN_SPARE;
    for (let i = 0; i < out.length; i++) clamped[i] = out[i]! + grain[start + i]!;
    for (const mover of this.#movers) {
      const { x, y } = this.#position(mover, index);
      blend(out, width, height, mover.sprite, Math.round(x), Math.round(y));
    }
    return out;
  }

  /** Straight lines that bounce off the frame edges: a triangle wave of the index. */
  #position(m: Mover, index: number): { x: number; y: number } {
    return {
      x: bounce(m.x0 + m.vx * index, this.width - m.sprite.size),
      y: bounce(m.y0 + m.vy * index, this.height - m.sprite.size),
    };
  }
}

function bounce(p: number, range: number): number {
  if (range <= 0) return 0;
  const period = 2 * range;
  const q = ((p % period) + period) % period;
  return q <= range ? q : period - q;
}

function blend(out: Uint8Array, width: number, height: number, sprite: Sprite, x0: number, y0: number): void {
  const { size, rgba } = sprite;
  for (let sy = 0; sy < size; sy++) {
    const y = y0 + sy;
    if (y < 0 || y >= height) continue;
    for (let sx = 0; sx < size; sx++) {
      const x = x0 + sx;
      if (x < 0 || x >= width) continue;
      const s = (sy * size + sx) * 4;
      const a = rgba[s + 3]!;
      if (a === 0) continue;
      const o = (y * width + x) * 3;
      const na = 255 - a;
      out[o] = (rgba[s]! * a + out[o]! * na + 127) / 255;
      out[o + 1] = (rgba[s + 1]! * a + out[o + 1]! * na + 127) / 255;
      out[o + 2] = (rgba[s + 2]! * a + out[o + 2]! * na + 127) / 255;
    }
  }
}

/** Grass-and-asphalt colours, blotches of value noise and fine grain: something for kernels to find edges in. */
function texture(width: number, height: number, random: () => number): Uint8Array {
  const cell = 32;
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = random();
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const iy = Math.floor(gy);
    const fy = gy - iy;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const ix = Math.floor(gx);
      const fx = gx - ix;
      const a = grid[iy * gw + ix]!;
      const b = grid[iy * gw + ix + 1]!;
      const c = grid[(iy + 1) * gw + ix]!;
      const d = grid[(iy + 1) * gw + ix + 1]!;
      const n = a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
      // Sky-ish grey-blue at the top, green-grey lower down.
      const t = y / height;
      const grain = (random() - 0.5) * 24;
      const o = (y * width + x) * 3;
      out[o] = Math.max(0, Math.min(255, 90 + 60 * n - 20 * t + grain));
      out[o + 1] = Math.max(0, Math.min(255, 100 + 50 * n + 10 * t + grain));
      out[o + 2] = Math.max(0, Math.min(255, 110 + 40 * n - 40 * t + grain));
    }
  }
  return out;
}
