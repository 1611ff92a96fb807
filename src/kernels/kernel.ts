import { EdgecamError } from '../errors.js';
import { describe } from './describe.js';
import type { Kernel } from './types.js';

/** What `createKernel` accepts: rows, [y][x][d] cuboids, or flat weights with their sizes. */
export interface KernelSpec {
  readonly name: string;
  readonly description?: string;
  /** number[][] is rows (height x width); number[][][] is [y][x][d]; Float32Array needs width/height(/depth). */
  readonly weights:
    | readonly (readonly number[])[]
    | readonly (readonly (readonly number[])[])[]
    | Float32Array;
  readonly width?: number;
  readonly height?: number;
  readonly depth?: number;
  /** Divide every weight by the sum of the weights (an error when the sum is 0). */
  readonly normalize?: boolean;
}

/** A rank-1 kernel's factors: K[y][x] = column[y] * row[x]. */
export interface KernelFactors {
  readonly column: Float32Array;
  readonly row: Float32Array;
}

// Relative to the largest |weight|: float32 weights (a Gaussian computed in float64 and stored)
// carry about 1e-7 relative error, so 1e-5 accepts them and still rejects any real rank-2 part.
const SEPARABLE_TOLERANCE = 1e-5;

/**
 * Validates a kernel definition and returns a Kernel with Float32 weights ([y][x][d]).
 * Errors (EDGECAM_ERR_KERNEL) name the bad row, column or value and say what to do.
 * @example createKernel({ name: 'sharpen', weights: [[0, -1, 0], [-1, 5, -1], [0, -1, 0]] })
 */
export function createKernel(spec: KernelSpec): Kernel {
  if (typeof spec !== 'object' || spec === null) {
    throw kernelError(`Expected a kernel definition object but received ${describe(spec)}`);
  }
  const { name } = spec;
  if (typeof name !== 'string' || name.trim() === '') {
    throw kernelError(`Expected a non-empty string for the kernel name but received ${describe(name)}`);
  }
  const { width, height, depth, weights } = readWeights(spec, name);
  if (spec.normalize === true) normalizeInPlace(weights, name);
  const description = spec.description ?? `custom ${width}x${height}${depth > 1 ? `x${depth}` : ''} kernel`;
  return Object.freeze({ name, description, width, height, depth, weights });
}

/**
 * The kernel rotated 180 degrees in x and y (depth untouched): what `convolve` slides.
 * @example flipKernel(resolveKernel('sobel-left')).weights // [-1, 0, 1, -2, 0, 2, -1, 0, 1], sobel-right's weights
 */
export function flipKernel(k: Kernel): Kernel {
  const { width, height, depth } = k;
  const weights = flippedWeights(k);
  return Object.freeze({
    name: `${k.name}-flipped`,
    description: `${k.description} (rotated 180 degrees)`,
    width,
    height,
    depth,
    weights,
  });
}

/**
 * The kernel's weights rotated 180 degrees in x and y, depth order kept.
 * @example flippedWeights(createKernel({ name: 'd', weights: [[1, 2]] })) // Float32Array [2, 1]
 */
export function flippedWeights(k: Kernel): Float32Array {
  const { width, height, depth, weights } = k;
  const out = new Float32Array(weights.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * depth;
      const to = ((height - 1 - y) * width + (width - 1 - x)) * depth;
      for (let d = 0; d < depth; d++) out[to + d] = weights[from + d]!;
    }
  }
  return out;
}

/**
 * The sum of all weights (1 for a blur, 0 for an edge detector).
 * @example kernelSum(resolveKernel('sharpen')) // 1
 */
export function kernelSum(k: Kernel): number {
  let sum = 0;
  for (const w of k.weights) sum += w;
  return sum;
}

/**
 * The kernel as column x row (K[y][x] = column[y] * row[x]) when it is rank 1 within a relative
 * tolerance of 1e-5, else undefined; 3-D and all-zero kernels are never separable.
 * @example separate(resolveKernel('sobel-left')) // { column: [1, 2, 1], row: [1, 0, -1] }
 */
export function separate(k: Kernel): KernelFactors | undefined {
  const { width, height, depth, weights } = k;
  if (depth !== 1) return undefined;
  let pivot = 0;
  let maxAbs = 0;
  for (let i = 0; i < weights.length; i++) {
    const a = Math.abs(weights[i]!);
    if (a > maxAbs) {
      maxAbs = a;
      pivot = i;
    }
  }
  if (maxAbs === 0) return undefined;
  const py = Math.floor(pivot / width);
  const px = pivot % width;
  const p = weights[pivot]!;
  // The pivot's column and its row (scaled by 1/pivot) reproduce the pivot's cross exactly;
  // every other weight must then be their product.
  const column = new Float64Array(height);
  const row = new Float64Array(width);
  for (let y = 0; y < height; y++) column[y] = weights[y * width + px]!;
  for (let x = 0; x < width; x++) row[x] = weights[py * width + x]! / p;
  const tolerance = SEPARABLE_TOLERANCE * maxAbs;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (Math.abs(weights[y * width + x]! - column[y]! * row[x]!) > tolerance) return undefined;
    }
  }
  return { column: Float32Array.from(column), row: Float32Array.from(row) };
}

/**
 * True when the kernel is rank 1 (see `separate`), so two 1-D passes can replace the 2-D one.
 * @example isSeparable(resolveKernel('gaussian5')) // true
 */
export function isSeparable(k: Kernel): boolean {
  return separate(k) !== undefined;
}

/**
 * The weights as right-aligned rows of text (one block per depth slice, headed `d=0:`...),
 * at most 4 significant digits, for `edgecam kernel list`. Name and description are not included.
 * @example formatKernel(resolveKernel('sobel-left')) // ' 1  0 -1\n 2  0 -2\n 1  0 -1'
 */
export function formatKernel(k: Kernel): string {
  const { width, height, depth, weights } = k;
  const cells: string[] = [];
  for (const w of weights) cells.push(formatWeight(w));
  const cellWidth = Math.max(...cells.map((c) => c.length));
  const blocks: string[] = [];
  for (let d = 0; d < depth; d++) {
    const lines: string[] = [];
    for (let y = 0; y < height; y++) {
      const line: string[] = [];
      for (let x = 0; x < width; x++) line.push(cells[(y * width + x) * depth + d]!.padStart(cellWidth));
      lines.push(line.join(' '));
    }
    blocks.push(depth > 1 ? `d=${d}:\n${lines.join('\n')}` : lines.join('\n'));
  }
  return blocks.join('\n');
}

function formatWeight(w: number): string {
  // Float32 storage turns 0.1 into 0.10000000149...; 4 significant digits hide that.
  const s = String(Number(w.toPrecision(4)));
  return s === '-0' ? '0' : s;
}

function readWeights(
  spec: KernelSpec,
  name: string,
): { width: number; height: number; depth: number; weights: Float32Array } {
  const source = spec.weights;
  if (source instanceof Float32Array) return readFlat(spec, source, name);
  if (!Array.isArray(source) || source.length === 0) {
    throw kernelError(
      `Expected kernel '${name}' weights to be a non-empty array of rows (or a Float32Array) but received ${describe(source)}`,
    );
  }
  const rows = source as readonly unknown[];
  const height = rows.length;
  const shape = rowShape(rows[0], name);
  const { width, depth } = shape;
  const weights = new Float32Array(width * height * depth);
  for (let y = 0; y < height; y++) readRow(rows[y], y, shape, name, weights);
  checkDeclaredSize(spec, name, 'width', width);
  checkDeclaredSize(spec, name, 'height', height);
  checkDeclaredSize(spec, name, 'depth', depth);
  return { width, height, depth, weights };
}

/** The width and depth every row must have, as row 0 has them; cuboid rows hold depth arrays. */
interface RowShape {
  readonly width: number;
  readonly depth: number;
  readonly cuboid: boolean;
}

/** Row 0 sets the shape: its length is the width, and a [0][0] array makes a cuboid of its length. */
function rowShape(first: unknown, name: string): RowShape {
  if (!Array.isArray(first) || first.length === 0) {
    throw kernelError(
      `Expected row 0 of kernel '${name}' to be a non-empty array of numbers but received ${describe(first)}`,
    );
  }
  const width = first.length;
  const cuboid = Array.isArray(first[0]);
  const depth = cuboid ? (first[0] as unknown[]).length : 1;
  if (depth === 0) {
    throw kernelError(`Expected kernel '${name}' [0][0] to hold at least one depth value but it is empty`);
  }
  return { width, depth, cuboid };
}

/** Checks row `y` against the shape and writes its weights into `weights` ([y][x][d] order). */
function readRow(row: unknown, y: number, shape: RowShape, name: string, weights: Float32Array): void {
  const { width, depth, cuboid } = shape;
  if (!Array.isArray(row)) {
    throw kernelError(`Expected row ${y} of kernel '${name}' to be an array but received ${describe(row)}`);
  }
  if (row.length !== width) {
    throw kernelError(
      `Expected every row of kernel '${name}' to have ${width} values (like row 0) but row ${y} has ${row.length}: make the rows the same length`,
    );
  }
  for (let x = 0; x < width; x++) {
    const cell: unknown = row[x];
    if (cuboid) {
      if (!Array.isArray(cell) || cell.length !== depth) {
        throw kernelError(
          `Expected kernel '${name}' [${y}][${x}] to be an array of ${depth} depth values (like [0][0]) but received ${describe(cell)}`,
        );
      }
      for (let d = 0; d < depth; d++) {
        weights[(y * width + x) * depth + d] = checkWeight(
          cell[d],
          name,
          `row ${y}, column ${x}, depth ${d}`,
        );
      }
    } else {
      weights[y * width + x] = checkWeight(cell, name, `row ${y}, column ${x}`);
    }
  }
}

function readFlat(
  spec: KernelSpec,
  source: Float32Array,
  name: string,
): { width: number; height: number; depth: number; weights: Float32Array } {
  const width = checkSize(spec.width, name, 'width', true);
  const height = checkSize(spec.height, name, 'height', true);
  const depth = checkSize(spec.depth ?? 1, name, 'depth', false);
  if (source.length !== width * height * depth) {
    throw kernelError(
      `Expected ${width * height * depth} weights (width ${width} x height ${height} x depth ${depth}) for kernel '${name}' but received ${source.length}`,
    );
  }
  for (let i = 0; i < source.length; i++) {
    const x = Math.floor(i / depth) % width;
    const y = Math.floor(i / depth / width);
    checkWeight(source[i], name, `row ${y}, column ${x}${depth > 1 ? `, depth ${i % depth}` : ''}`);
  }
  // A copy, so the caller's array cannot change a kernel after validation.
  return { width, height, depth, weights: Float32Array.from(source) };
}

function checkSize(v: unknown, name: string, what: string, required: boolean): number {
  if (v === undefined && required) {
    throw kernelError(
      `Expected a ${what} for kernel '${name}': flat Float32Array weights need width and height`,
    );
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw kernelError(`Expected a positive integer for kernel '${name}' ${what} but received ${describe(v)}`);
  }
  return v;
}

function checkDeclaredSize(
  spec: KernelSpec,
  name: string,
  what: 'width' | 'height' | 'depth',
  actual: number,
) {
  const declared = spec[what];
  if (declared !== undefined && declared !== actual) {
    throw kernelError(
      `Kernel '${name}' declares ${what} ${describe(declared)} but its weights have ${what} ${actual}: drop the ${what} or fix the weights`,
    );
  }
}

function checkWeight(v: unknown, name: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw kernelError(
      `Expected a finite number for kernel '${name}' weight at ${where} but received ${describe(v)}`,
    );
  }
  return v;
}

function normalizeInPlace(weights: Float32Array, name: string): void {
  let sum = 0;
  let sumAbs = 0;
  for (const w of weights) {
    sum += w;
    sumAbs += Math.abs(w);
  }
  // Float32 weights that should cancel leave ~1e-7 relative residue: treat that as zero too.
  if (Math.abs(sum) <= 1e-6 * sumAbs || sumAbs === 0) {
    throw kernelError(
      `Cannot normalize kernel '${name}': its weights sum to ${sum} (edge detectors sum to 0); drop normalize or change the weights`,
    );
  }
  for (let i = 0; i < weights.length; i++) weights[i] = weights[i]! / sum;
}

function kernelError(message: string): EdgecamError {
  return new EdgecamError('EDGECAM_ERR_KERNEL', message);
}

/**
 * Checks an object used as a Kernel (it may not come from createKernel): positive integer sizes
 * and width*height*depth Float32 weights.
 * @example checkKernel(resolveKernel('identity'))
 */
export function checkKernel(k: Kernel): void {
  if (typeof k !== 'object' || k === null) {
    throw kernelError(`Expected a kernel (see createKernel) but received ${describe(k)}`);
  }
  for (const key of ['width', 'height', 'depth'] as const) {
    const v = k[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw kernelError(
        `Expected a positive integer for kernel '${k.name}' ${key} but received ${describe(v)}`,
      );
    }
  }
  if (!(k.weights instanceof Float32Array) || k.weights.length !== k.width * k.height * k.depth) {
    throw kernelError(
      `Expected kernel '${k.name}' weights to be a Float32Array of ${k.width * k.height * k.depth} values but received ${describe(k.weights)}: build kernels with createKernel`,
    );
  }
}
