/**
 * How a 2-D kernel (correlate-form weights, depth 1) maps onto the wasm passes, worked out once
 * per plan. Every recipe states its worst-case difference from the float reference:
 * - `int16`: w = q * scale with small integers q and 255 * sum|q| <= 32767, so i16 sums are
 *   exact; with scale 1 (integer kernels) the bytes equal the reference's.
 * - `separable-int16`: the same for a rank-1 kernel as column x row of small integers.
 * - `separable-q15`: a rank-1 float kernel (Gaussian) in fixed point, `maxError` < 1 in
 *   output units, so each byte is within +-1 of the reference.
 * - `separable-symmetric5`: the same for 5x5 kernels with symmetric factors (a Gaussian 5x5), with
 *   exact i32 sums and one rounding per pass (src/kernels/wasm/assembly/symmetric5.ts).
 */
export type KernelRecipe =
  | { readonly kind: 'int16'; readonly taps: readonly Tap[]; readonly scale: number }
  | {
      readonly kind: 'separable-int16';
      readonly column: readonly Tap[];
      readonly row: readonly Tap[];
      readonly scale: number;
      /** Non-negative weights whose sums need the 16th bit: read the sums as u16. */
      readonly unsigned: boolean;
    }
  | {
      readonly kind: 'separable-q15';
      readonly column: readonly PairTap[];
      readonly row: readonly PairTap[];
      /** Bound on |result - exact result| before the output policy's scale, in gray levels. */
      readonly maxError: number;
    }
  | {
      readonly kind: 'separable-symmetric5';
      /** Q15 weights (w0, w1, w2) of the column factor w0 w1 w2 w1 w0. */
      readonly column: readonly [number, number, number];
      /** Q15 weights (w0, w1, w2) of the row factor. */
      readonly row: readonly [number, number, number];
      /** As for separable-q15. */
      readonly maxError: number;
    };

/** One non-zero weight at (dx, dy) from the window's top-left; `weight` is an integer (or Q15). */
export interface Tap {
  readonly dx: number;
  readonly dy: number;
  readonly weight: number;
}

/** Positions a and b along one axis (a === b for a lone tap) that share one Q15 weight. */
export interface PairTap {
  readonly a: number;
  readonly b: number;
  readonly weight: number;
}

const I16_MAX = 32767;
// Weights equal to q * scale up to float32 rounding (relative 6e-8 each) count as integers.
const INTEGER_TOLERANCE = 1e-6;
const Q15 = 32768;
// Fixed-point results stay within this of the exact value (less than 1 keeps bytes within +-1,
// with room for the reference's own float rounding).
const Q15_ERROR_LIMIT = 0.9;

/**
 * The cheapest exact-enough wasm recipe for correlate-form `weights` (rows `width` long), or
 * undefined when none fits (the plan then runs the TypeScript reference). `gain` is the output
 * policy's |scale| (1 for clamp and abs), which multiplies fixed-point errors.
 * @example chooseRecipe(new Float32Array([1, 0, -1, 2, 0, -2, 1, 0, -1]), 3, undefined, 1)?.kind // 'int16'
 */
export function chooseRecipe(
  weights: Float32Array,
  width: number,
  factors: { column: ArrayLike<number>; row: ArrayLike<number> } | undefined,
  gain: number,
): KernelRecipe | undefined {
  const whole = integerForm(weights);
  const direct =
    whole !== undefined && 255 * sumAbs(whole.q) <= I16_MAX
      ? { kind: 'int16' as const, taps: toTaps(whole.q, width), scale: whole.scale }
      : undefined;
  const split = factors === undefined ? undefined : separableInteger(factors.column, factors.row);
  const splitTaps = split === undefined ? 0 : split.column.length + split.row.length;
  // A pass over the scratch row costs about two taps; prefer whichever does less work.
  if (split !== undefined && (direct === undefined || splitTaps + 2 < direct.taps.length)) {
    return split;
  }
  if (direct !== undefined) return direct;
  // Integer kernels must match the reference exactly: no fixed point for them.
  if (whole !== undefined && whole.scale === 1) return undefined;
  if (factors === undefined) return undefined;
  return (
    separableSymmetric5(factors.column, factors.row, gain) ?? separableQ15(factors.column, factors.row, gain)
  );
}

/** q and scale with weights[i] = q[i] * scale (q small integers), or undefined. */
function integerForm(weights: ArrayLike<number>): { q: Int32Array; scale: number } | undefined {
  let smallest = Number.POSITIVE_INFINITY;
  let allIntegers = true;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w !== 0) smallest = Math.min(smallest, Math.abs(w));
    if (!Number.isInteger(w)) allIntegers = false;
  }
  if (smallest === Number.POSITIVE_INFINITY) return undefined;
  // Integer weights keep scale 1 (exact); otherwise try the smallest weight over 1..16 as the unit.
  const units = allIntegers ? [1] : Array.from({ length: 16 }, (_, k) => smallest / (k + 1));
  for (const unit of units) {
    const q = new Int32Array(weights.length);
    let ok = true;
    for (let i = 0; i < weights.length && ok; i++) {
      const r = weights[i]! / unit;
      q[i] = Math.round(r);
      ok = Math.abs(r - q[i]!) <= INTEGER_TOLERANCE * Math.max(1, Math.abs(r)) && Math.abs(q[i]!) <= I16_MAX;
    }
    if (ok) return { q, scale: unit };
  }
  return undefined;
}

function separableInteger(
  column: ArrayLike<number>,
  row: ArrayLike<number>,
): Extract<KernelRecipe, { kind: 'separable-int16' }> | undefined {
  const c = integerForm(column);
  const r = integerForm(row);
  if (c === undefined || r === undefined) return undefined;
  const total = 255 * sumAbs(c.q) * sumAbs(r.q);
  const nonNegative = c.q.every((v) => v >= 0) && r.q.every((v) => v >= 0);
  if (total > (nonNegative ? 65535 : I16_MAX)) return undefined;
  return {
    kind: 'separable-int16',
    column: toTaps(c.q, 1),
    row: toTaps(r.q, r.q.length),
    scale: c.scale * r.scale,
    unsigned: total > I16_MAX,
  };
}

function separableQ15(
  column: ArrayLike<number>,
  row: ArrayLike<number>,
  gain: number,
): KernelRecipe | undefined {
  // Balance the factors (sum|c| = sum|r|): the product is fixed, and equal sums keep both in Q15.
  const k = Math.sqrt(sumAbs(row) / sumAbs(column));
  const col = pairUp(Array.from(column, (v) => v * k));
  const rw = pairUp(Array.from(row, (v) => v / k));
  if (col === undefined || rw === undefined) return undefined;
  // All in Q6 units (v * 64). Pass 1 reads pair sums of bytes: <= 2 * 255 * 64.
  const pass1 = pairBounds(col, 2 * 255 * 64);
  const tmpMax = pass1.max;
  // Pass 2 reads pair sums of pass-1 values, which must fit i16 before the multiply.
  const pass2 = pairBounds(rw, 2 * tmpMax);
  const e2 = pass2.error + (sumAbs(row) / k) * pass1.error;
  const maxError = e2 / 64;
  if (2 * tmpMax > I16_MAX || pass2.max + 64 > I16_MAX || maxError * gain >= Q15_ERROR_LIMIT)
    return undefined;
  return { kind: 'separable-q15', column: col.map((p) => p.tap), row: rw.map((p) => p.tap), maxError };
}

/**
 * The exact-i32 recipe for 5-tap symmetric factors. Pass 1 computes
 * V = (c0 (y0 + y4) + c1 (y1 + y3) + c2 y2 + 256) >> 9, the column sum in Q6 rounded once;
 * pass 2 S = r0 (V0 + V4) + r1 (V1 + V3) + r2 V2, the result in Q21 (v * 2^21), exact in i32.
 */
function separableSymmetric5(
  column: ArrayLike<number>,
  row: ArrayLike<number>,
  gain: number,
): KernelRecipe | undefined {
  if (column.length !== 5 || row.length !== 5) return undefined;
  const k = Math.sqrt(sumAbs(row) / sumAbs(column));
  const col = Array.from(column, (v) => v * k);
  const rw = Array.from(row, (v) => v / k);
  const c = symmetricQ15(col);
  const r = symmetricQ15(rw);
  if (c === undefined || r === undefined) return undefined;
  // Pass 1, in gray levels: one rounding of half a Q6 step, and each Q15 weight's distance from
  // the true weight at its tap (both ends of a pair) times bytes of at most 255.
  const e1 = 0.5 / 64 + 255 * weightError(c, col);
  const vMax = (255 * memberSum(c) + 256) / 512;
  // Pass 2: pass 1's error through the row weights, plus the row weights' own error times the
  // largest column sum; the affine modes then go through f32 (relative error 2^-24 per step).
  const vTrue = 255 * sumAbs(col);
  const outMax = (memberSum(r) / Q15) * (vMax / 64);
  const maxError = (memberSum(r) / Q15) * e1 + weightError(r, rw) * vTrue + outMax * 2 ** -22;
  // V0 + V4 must fit i16, and the pass-2 sum (with mode 0's 2^20 of rounding) i32.
  const sumMax = memberSum(r) * vMax + 2 ** 20;
  if (2 * vMax > I16_MAX || sumMax > 2 ** 31 - 1 || maxError * gain >= Q15_ERROR_LIMIT) return undefined;
  return { kind: 'separable-symmetric5', column: c, row: r, maxError };
}

/** Q15 weights (w0, w1, w2) of a symmetric 5-vector w0 w1 w2 w1 w0, or undefined. */
function symmetricQ15(v: number[]): [number, number, number] | undefined {
  const largest = Math.max(...v.map(Math.abs));
  const symmetric = v.every((w, i) => Math.abs(w - v[4 - i]!) <= 1e-6 * largest);
  if (!symmetric) return undefined;
  const q: [number, number, number] = [
    Math.round(((v[0]! + v[4]!) / 2) * Q15),
    Math.round(((v[1]! + v[3]!) / 2) * Q15),
    Math.round(v[2]! * Q15),
  ];
  return q.every((w) => Math.abs(w) <= I16_MAX) ? q : undefined;
}

/** Sum over the 5 taps of |Q15 weight - true weight|, the Q15 weights as w0 w1 w2 w1 w0. */
function weightError(q: readonly [number, number, number], v: number[]): number {
  let e = 0;
  for (let i = 0; i < 5; i++) e += Math.abs(q[Math.min(i, 4 - i)]! / Q15 - v[i]!);
  return e;
}

/** Sum of |Q15 weight| over the 5 taps. */
function memberSum(q: readonly [number, number, number]): number {
  return 2 * Math.abs(q[0]) + 2 * Math.abs(q[1]) + Math.abs(q[2]);
}

interface QuantizedPair {
  readonly tap: PairTap;
  /** The true weights at a and b (for a lone tap, half the weight at each). */
  readonly wa: number;
  readonly wb: number;
}

/**
 * Folds a symmetric vector into pairs (i, n-1-i) sharing one weight, centre paired with itself
 * at half weight; any other vector becomes lone taps at half weight. Q15 weights; undefined when
 * one does not fit.
 */
function pairUp(v: number[]): QuantizedPair[] | undefined {
  const n = v.length;
  const largest = Math.max(...v.map(Math.abs));
  const symmetric = v.every((w, i) => Math.abs(w - v[n - 1 - i]!) <= 1e-6 * largest);
  const pairs: QuantizedPair[] = [];
  const add = (a: number, b: number, wa: number, wb: number) => {
    const weight = Math.round(((wa + wb) / 2) * Q15);
    if (weight !== 0 || wa !== 0 || wb !== 0) pairs.push({ tap: { a, b, weight }, wa, wb });
  };
  if (symmetric) {
    for (let i = 0; i < n >> 1; i++) add(i, n - 1 - i, v[i]!, v[n - 1 - i]!);
    if (n % 2 === 1) add(n >> 1, n >> 1, v[n >> 1]! / 2, v[n >> 1]! / 2);
  } else {
    for (let i = 0; i < n; i++) add(i, i, v[i]! / 2, v[i]! / 2);
  }
  return pairs.every((p) => Math.abs(p.tap.weight) <= I16_MAX) ? pairs : undefined;
}

/**
 * Largest |sum| and worst-case error (both in input units) of one pass: each pair's q15mulr
 * rounds by <= 0.5, and its Q15 weight is off its true weights by a known amount, times at most
 * `pairMax` / 2 per member.
 */
function pairBounds(pairs: QuantizedPair[], pairMax: number): { max: number; error: number } {
  let max = 0;
  let error = 0;
  for (const { tap, wa, wb } of pairs) {
    const q = tap.weight / Q15;
    max += Math.abs(q) * pairMax + 0.5;
    error += 0.5 + (Math.abs(q - wa) + Math.abs(q - wb)) * (pairMax / 2);
  }
  return { max, error };
}

/** Non-zero weights of a row-major width-wide grid as taps. */
function toTaps(q: ArrayLike<number>, width: number): Tap[] {
  const taps: Tap[] = [];
  for (let i = 0; i < q.length; i++) {
    if (q[i] !== 0) taps.push({ dx: i % width, dy: Math.floor(i / width), weight: q[i]! });
  }
  return taps;
}

function sumAbs(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]!);
  return s;
}
