import type { Image } from '../../frame.js';
import type { ConvGeometry } from '../geometry.js';
import type { Uint8Policy } from '../types.js';
import type { KernelModule } from '../wasm/module.js';
import { PaddedInput } from './frame-copy.js';
import { type OutputMode, outputMode, roundingPassMode } from './output-mode.js';
import type { KernelRecipe, Tap } from './quantize.js';
import { ScratchLayout } from './scratch.js';

/** A wasm filter for one input shape: frame bytes in, filtered bytes out, nothing allocated per run. */
export interface WasmPass {
  run(input: Image<Uint8Array>, out: Uint8Array): void;
}

/**
 * The wasm pass for a checked stride-1, depth-1 geometry and its recipe, or undefined when the
 * policy has no fixed output mode. Grows the module's memory now, never during `run`.
 * @example const pass = createFilterPass(mod, planConv(shape, k, {}), chooseRecipe(...)!, { kind: 'clamp' });
 */
export function createFilterPass(
  mod: KernelModule,
  g: ConvGeometry,
  recipe: KernelRecipe,
  policy: Uint8Policy,
): WasmPass | undefined {
  const C = g.inChannels;
  const layout = new ScratchLayout();
  const source = new PaddedInput(
    mod,
    layout,
    { width: g.inWidth, height: g.inHeight, channels: C },
    g.padX,
    g.padY,
    g.border,
  );
  const rowBytes = g.outWidth * C;
  const rows = g.outHeight;
  const outBytes = rowBytes * rows;
  const outAt = layout.take(outBytes);
  const shape: PassShape = { mod, layout, stride: source.stride, channels: C, rowBytes, rows };
  const { mode, taps, call } = bindRecipe(shape, recipe, policy);
  if (mode === undefined) return undefined;
  const tapsAt = layout.take(4 * taps.length);
  mod.reserve(layout.size);
  const result = new ResultCopy(mod, outAt, outBytes);
  return {
    run(input, out) {
      source.load(input);
      const at = mod.base + tapsAt;
      mod.words.set(taps, at >> 2);
      call(source.address, mod.base + outAt, at);
      result.copyTo(out);
    },
  };
}

/** What every recipe's pass is laid out by: the module, its scratch, and the rows it writes. */
interface PassShape {
  readonly mod: KernelModule;
  /** Scratch a pass takes its row buffers from (after the input and output regions). */
  readonly layout: ScratchLayout;
  /** Bytes from one padded input row to the next. */
  readonly stride: number;
  readonly channels: number;
  /** Bytes in one output row (and from one output row to the next). */
  readonly rowBytes: number;
  readonly rows: number;
}

/** A recipe made ready to run: its output mode, its tap table, and the wasm call with sizes bound. */
interface BoundRecipe {
  /** Undefined when the policy has no fixed output mode: no pass. */
  readonly mode: OutputMode | undefined;
  /** The table the call reads at `tapsAt`, written before each run. */
  readonly taps: Int32Array;
  readonly call: (src: number, dst: number, tapsAt: number) => void;
}

/** The recipe's wasm entry point, tap table and output mode; takes its row buffers from the scratch. */
function bindRecipe(shape: PassShape, recipe: KernelRecipe, policy: Uint8Policy): BoundRecipe {
  switch (recipe.kind) {
    case 'int16':
      return bindInt16(shape, recipe, policy);
    case 'separable-int16':
      return bindSeparableInt16(shape, recipe, policy);
    case 'separable-symmetric5':
      return bindSymmetric5(shape, recipe, policy);
    default:
      return bindQ15(shape, recipe, policy);
  }
}

/** The whole 2-D kernel in i16: +1 taps, then -1 taps, then (offset, weight) pairs. */
function bindInt16(
  shape: PassShape,
  recipe: Extract<KernelRecipe, { kind: 'int16' }>,
  policy: Uint8Policy,
): BoundRecipe {
  const { mod, stride, channels: C, rowBytes, rows } = shape;
  const m = outputMode(policy, recipe.scale, true);
  const plus = recipe.taps.filter((t) => t.weight === 1);
  const minus = recipe.taps.filter((t) => t.weight === -1);
  const other = recipe.taps.filter((t) => t.weight !== 1 && t.weight !== -1);
  const offset = (t: Tap) => t.dy * stride + t.dx * C;
  const taps = Int32Array.from([
    ...plus.map(offset),
    ...minus.map(offset),
    ...other.flatMap((t) => [offset(t), t.weight]),
  ]);
  const call = (src: number, dst: number, tapsAt: number) =>
    mod.exports.convInt16(
      src,
      stride,
      dst,
      rowBytes,
      rowBytes,
      rows,
      tapsAt,
      plus.length,
      minus.length,
      other.length,
      m?.mode ?? 0,
      m?.a ?? 1,
      m?.bias ?? 0,
    );
  return { mode: m, taps, call };
}

/** Column then row factors in i16, (offset, weight) pairs each, through a two-row i16 buffer. */
function bindSeparableInt16(
  shape: PassShape,
  recipe: Extract<KernelRecipe, { kind: 'separable-int16' }>,
  policy: Uint8Policy,
): BoundRecipe {
  const { mod, stride, channels: C, rowBytes, rows } = shape;
  const m = outputMode(policy, recipe.scale, !recipe.unsigned);
  const tmpLength = rowBytes + (Math.max(...recipe.row.map((t) => t.dx)) + 1) * C;
  const tmpAt = shape.layout.take(2 * (tmpLength + 48));
  const taps = Int32Array.from([
    ...recipe.column.flatMap((t) => [t.dy * stride, t.weight]),
    ...recipe.row.flatMap((t) => [t.dx * C, t.weight]),
  ]);
  const nCol = recipe.column.length;
  const nRow = recipe.row.length;
  const unsigned = recipe.unsigned ? 1 : 0;
  const call = (src: number, dst: number, tapsAt: number) =>
    mod.exports.separableInt16(
      src,
      stride,
      dst,
      rowBytes,
      rowBytes,
      rows,
      mod.base + tmpAt,
      tmpLength,
      tapsAt,
      nCol,
      tapsAt + 8 * nCol,
      nRow,
      m?.mode ?? 0,
      m?.a ?? 1,
      m?.bias ?? 0,
      unsigned,
    );
  return { mode: m, taps, call };
}

/** A symmetric 5-tap column and row (a 5x5 Gaussian) as six v128 constants. */
function bindSymmetric5(
  shape: PassShape,
  recipe: Extract<KernelRecipe, { kind: 'separable-symmetric5' }>,
  policy: Uint8Policy,
): BoundRecipe {
  const { mod, stride, channels: C, rowBytes, rows } = shape;
  // Sums are v * 2^21: clamp and abs round inside the pass, affine modes take a / 2^21.
  const m = roundingPassMode(policy, 2 ** -21);
  const tmpLength = rowBytes + 4 * C;
  const tmpAt = shape.layout.take(2 * (tmpLength + 48));
  const [c0, c1, c2] = recipe.column;
  const [r0, r1, r2] = recipe.row;
  // Six v128 constants (see symmetric5.ts): i16 pairs packed low lane first, 4 times each.
  const rounding = m?.mode === 0 ? 16384 : 0;
  const lanes = [pack(c0, c1), pack(c2, 256), pack(r0, r1), pack(r2, rounding), pack(1, 1), pack(64, 64)];
  const taps = Int32Array.from(lanes.flatMap((v) => [v, v, v, v]));
  const call = (src: number, dst: number, tapsAt: number) =>
    mod.exports.separableSymmetric5(
      src,
      stride,
      dst,
      rowBytes,
      rowBytes,
      rows,
      C,
      mod.base + tmpAt,
      tmpLength,
      tapsAt,
      m?.mode ?? 0,
      m?.a ?? 1,
      m?.bias ?? 0,
    );
  return { mode: m, taps, call };
}

/** Column then row factors in Q15, each tap a pair of offsets sharing one weight. */
function bindQ15(
  shape: PassShape,
  recipe: Extract<KernelRecipe, { kind: 'separable-q15' }>,
  policy: Uint8Policy,
): BoundRecipe {
  const { mod, stride, channels: C, rowBytes, rows } = shape;
  // Q15 sums are v * 64: clamp and abs round inside the pass, affine modes take a / 64.
  const m = roundingPassMode(policy, 1 / 64);
  const tmpLength = rowBytes + (Math.max(...recipe.row.map((t) => Math.max(t.a, t.b))) + 1) * C;
  const tmpAt = shape.layout.take(2 * (tmpLength + 48));
  const taps = Int32Array.from([
    ...recipe.column.flatMap((t) => [t.a * stride, t.b * stride, t.weight]),
    ...recipe.row.flatMap((t) => [t.a * C, t.b * C, t.weight]),
  ]);
  const nCol = recipe.column.length;
  const nRow = recipe.row.length;
  const call = (src: number, dst: number, tapsAt: number) =>
    mod.exports.separableQ15(
      src,
      stride,
      dst,
      rowBytes,
      rowBytes,
      rows,
      mod.base + tmpAt,
      tmpLength,
      tapsAt,
      nCol,
      tapsAt + 12 * nCol,
      nRow,
      m?.mode ?? 0,
      m?.a ?? 1,
      m?.bias ?? 0,
    );
  return { mode: m, taps, call };
}

/** Two i16 lanes in one i32, `low` first (little-endian memory). */
function pack(low: number, high: number): number {
  return (high << 16) | (low & 0xffff);
}

/** Copies a result region out of wasm memory through a view rebuilt only when memory grows. */
export class ResultCopy {
  readonly #mod: KernelModule;
  readonly #at: number;
  readonly #length: number;
  #bytes: Uint8Array | undefined;
  #view: Uint8Array = new Uint8Array(0);

  constructor(mod: KernelModule, at: number, length: number) {
    this.#mod = mod;
    this.#at = at;
    this.#length = length;
  }

  copyTo(out: Uint8Array): void {
    const bytes = this.#mod.bytes;
    if (bytes !== this.#bytes) {
      this.#bytes = bytes;
      this.#view = bytes.subarray(this.#mod.base + this.#at, this.#mod.base + this.#at + this.#length);
    }
    out.set(this.#view);
  }
}
