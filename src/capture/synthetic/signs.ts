/**
 * Road-sign-like figures for the synthetic camera, rasterised once per size into RGBA sprites
 * (4x4 supersampled edges): a later issue trains a sign detector on these, so each is drawn to
 * be recognisable by shape and colour, as real signs are.
 */

export const SIGN_LABELS = ['stop', 'warning', 'no-entry', 'ahead-only', 'turn-left', 'turn-right'] as const;
export type SignLabel = (typeof SIGN_LABELS)[number];

type Rgb = readonly [number, number, number];
const RED: Rgb = [200, 16, 32];
const WHITE: Rgb = [245, 245, 245];
const BLUE: Rgb = [16, 72, 180];
const BLACK: Rgb = [20, 20, 20];

/** An RGBA sprite, `size` x `size`, alpha is coverage. */
export interface Sprite {
  readonly label: SignLabel;
  readonly size: number;
  readonly rgba: Uint8Array;
}

/** The colour at (u, v) in [-1, 1]^2 (y down), or undefined outside the sign. */
type Shape = (u: number, v: number) => Rgb | undefined;

/** A regular octagon with flat sides: each of its 8 edges is `apothem` from the centre. */
function inOctagon(u: number, v: number, apothem: number): boolean {
  const au = Math.abs(u);
  const av = Math.abs(v);
  return au <= apothem && av <= apothem && au + av <= apothem * Math.SQRT2;
}

/** Inside the triangle with vertices a, b, c (any winding). */
function inTriangle(u: number, v: number, a: Rgb2, b: Rgb2, c: Rgb2): boolean {
  const d1 = (u - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (v - b[1]);
  const d2 = (u - c[0]) * (b[1] - c[1]) - (b[0] - c[0]) * (v - c[1]);
  const d3 = (u - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (v - a[1]);
  const neg = d1 < 0 || d2 < 0 || d3 < 0;
  const pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}
type Rgb2 = readonly [number, number];

const TRIANGLE: readonly [Rgb2, Rgb2, Rgb2] = [
  [0, -0.92],
  [-0.98, 0.78],
  [0.98, 0.78],
];
const INNER_TRIANGLE = TRIANGLE.map(([x, y]) => [x * 0.62, 0.21 + (y - 0.21) * 0.62] as const) as unknown as [
  Rgb2,
  Rgb2,
  Rgb2,
];

/** Four white letter blocks across the middle (the third hollow, an O), so a stop sign is not a no-entry sign. */
function inLettering(u: number, v: number): boolean {
  if (Math.abs(v) > 0.2 || Math.abs(u) > 0.66) return false;
  const cell = Math.floor((u + 0.66) / 0.33);
  const within = (u + 0.66) / 0.33 - cell;
  if (within < 0.12 || within > 0.88) return false;
  return cell !== 2 || Math.abs(v) > 0.1 || within < 0.35 || within > 0.65;
}

/** A white arrow pointing up, in the unit disc. */
function inArrowUp(u: number, v: number): boolean {
  if (Math.abs(u) < 0.15 && v > -0.2 && v < 0.62) return true;
  return inTriangle(u, v, [0, -0.68], [-0.46, -0.12], [0.46, -0.12]);
}

const SHAPES: Readonly<Record<SignLabel, Shape>> = {
  stop: (u, v) => {
    if (!inOctagon(u, v, 0.97)) return undefined;
    if (!inOctagon(u, v, 0.86)) return WHITE;
    return inLettering(u, v) ? WHITE : RED;
  },
  warning: (u, v) => {
    if (!inTriangle(u, v, ...TRIANGLE)) return undefined;
    if (!inTriangle(u, v, ...INNER_TRIANGLE)) return RED;
    const mark = (Math.abs(u) < 0.055 && v > -0.12 && v < 0.38) || u * u + (v - 0.5) ** 2 < 0.0036;
    return mark ? BLACK : WHITE;
  },
  'no-entry': (u, v) => {
    if (u * u + v * v > 0.97 * 0.97) return undefined;
    return Math.abs(v) < 0.19 && Math.abs(u) < 0.72 ? WHITE : RED;
  },
  'ahead-only': (u, v) => blueArrow(u, v),
  'turn-left': (u, v) => blueArrow(v, -u),
  'turn-right': (u, v) => blueArrow(-v, u),
};

function blueArrow(u: number, v: number): Rgb | undefined {
  const r2 = u * u + v * v;
  if (r2 > 0.97 * 0.97) return undefined;
  if (r2 > 0.9 * 0.9) return WHITE;
  return inArrowUp(u, v) ? WHITE : BLUE;
}

/**
 * Rasterises sign `label` into a `size` x `size` sprite.
 * @example drawSign('stop', 64).rgba.length // 64 * 64 * 4
 */
export function drawSign(label: SignLabel, size: number): Sprite {
  const shape = SHAPES[label];
  const rgba = new Uint8Array(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = ((x + (sx + 0.5) / n) / size) * 2 - 1;
          const v = ((y + (sy + 0.5) / n) / size) * 2 - 1;
          const c = shape(u, v);
          if (c === undefined) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          hits++;
        }
      }
      const o = (y * size + x) * 4;
      if (hits > 0) {
        rgba[o] = Math.round(r / hits);
        rgba[o + 1] = Math.round(g / hits);
        rgba[o + 2] = Math.round(b / hits);
        rgba[o + 3] = Math.round((hits / (n * n)) * 255);
      }
    }
  }
  return { label, size, rgba };
}
