import { readFileSync } from 'node:fs';

// The WebAssembly JS API, declared here because tsconfig's lib (ES2023, no DOM) and @types/node 20 lack it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

/** The functions src/kernels/wasm/assembly/index.ts exports (addresses and sizes are i32). */
export interface KernelExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  padImage(
    src: number,
    width: number,
    height: number,
    channels: number,
    dst: number,
    left: number,
    top: number,
    right: number,
    bottom: number,
    border: number,
  ): void;
  convInt16(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    taps: number,
    nPlus: number,
    nMinus: number,
    nOther: number,
    mode: number,
    a: number,
    bias: number,
  ): void;
  separableInt16(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    tmp: number,
    tmpLength: number,
    colTaps: number,
    nCol: number,
    rowTaps: number,
    nRow: number,
    mode: number,
    a: number,
    bias: number,
    unsigned: number,
  ): void;
  separableQ15(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    tmp: number,
    tmpLength: number,
    colTaps: number,
    nCol: number,
    rowTaps: number,
    nRow: number,
    mode: number,
    a: number,
    bias: number,
  ): void;
  separableSymmetric5(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    channels: number,
    tmp: number,
    tmpLength: number,
    weights: number,
    mode: number,
    a: number,
    bias: number,
  ): void;
  rgbToGray(src: number, dst: number, pixels: number): void;
  i420ToRgb(y: number, u: number, v: number, width: number, height: number, dst: number): void;
  halveI420Planar(
    y: number,
    u: number,
    v: number,
    yStride: number,
    cStride: number,
    nx: number,
    ny: number,
    dstR: number,
    dstG: number,
    dstB: number,
    dstStride: number,
    gainR: number,
    gainG: number,
    gainB: number,
    biasR: number,
    biasG: number,
    biasB: number,
  ): void;
  halveI420PlanarU8(
    y: number,
    u: number,
    v: number,
    yStride: number,
    cStride: number,
    nx: number,
    ny: number,
    dstR: number,
    dstG: number,
    dstB: number,
    dstStride: number,
  ): void;
  halveRgbPlanar(
    src: number,
    rowLength: number,
    nx: number,
    ny: number,
    dstR: number,
    dstG: number,
    dstB: number,
    dstStride: number,
    gainR: number,
    gainG: number,
    gainB: number,
    biasR: number,
    biasG: number,
    biasB: number,
  ): void;
  halveRgbPlanarU8(
    src: number,
    rowLength: number,
    nx: number,
    ny: number,
    dstR: number,
    dstG: number,
    dstB: number,
    dstStride: number,
  ): void;
  resizeRgbPlanar(
    src: number,
    rowLength: number,
    xLo: number,
    xHi: number,
    xFrac: number,
    nx: number,
    yLo: number,
    yHi: number,
    yFrac: number,
    ny: number,
    row: number,
    dstR: number,
    dstG: number,
    dstB: number,
    dstStride: number,
    gainR: number,
    gainG: number,
    gainB: number,
    biasR: number,
    biasG: number,
    biasB: number,
  ): void;
  markColumnsAtOrAbove(
    src: number,
    rows: number,
    n: number,
    rowStride: number,
    threshold: number,
    marks: number,
  ): void;
  sobelMagnitude(
    src: number,
    srcStride: number,
    dst: number,
    dstStride: number,
    rowBytes: number,
    rows: number,
    channels: number,
    l2: number,
    threshold: number,
  ): void;
}

/**
 * An instance of the kernel module. The thread's shared one (loadKernelModule) has one scratch
 * area that every plan shares: runs are synchronous and each plan copies its result out, so
 * plans only need the area to be large enough, which `reserve` ensures at plan creation (memory
 * grows then, never during a run). A private one (createKernelModule) has its scratch to itself.
 */
export interface KernelModule {
  readonly exports: KernelExports;
  /** First byte of the scratch area. */
  readonly base: number;
  /** Views of the memory; replaced when it grows, so read them at each run, never keep them. */
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** Grows the memory so that [base, base + size) exists. */
  reserve(size: number): void;
}

const WASM_URL = new URL('./generated/kernels.wasm', import.meta.url);
const PAGE = 65536;

// undefined: not tried yet; null: unavailable (no WebAssembly SIMD, or the file is missing).
let compiled: object | null | undefined;
let shared: KernelModule | undefined;
let loadError: unknown;

/** The compiled module, once per thread, or undefined where this engine cannot run it. */
function compiledModule(): object | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(readFileSync(WASM_URL));
    } catch (err) {
      // V8 without SIMD (or a broken install) rejects the module: the TypeScript engine takes over.
      compiled = null;
      loadError = err;
    }
  }
  return compiled ?? undefined;
}

/**
 * The SIMD kernel module, compiled once per thread from the committed .wasm next to this file
 * (src/ under vitest and tsx, dist/ after the build), or undefined where this engine cannot run it.
 * @example const mod = loadKernelModule(); if (mod) mod.reserve(640 * 480 * 2);
 */
export function loadKernelModule(): KernelModule | undefined {
  const module = compiledModule();
  if (module === undefined) return undefined;
  shared ??= instantiate(module);
  return shared;
}

/**
 * An instance of the kernel module with a memory of its own, for a user that keeps data in it
 * between calls (a model's input tensor, which the runtime reads in place): nothing else writes
 * there, so its scratch area is its alone. Undefined where loadKernelModule would be.
 * @example const mod = createKernelModule(); mod?.reserve(frameBytes + tensorBytes);
 */
export function createKernelModule(): KernelModule | undefined {
  const module = compiledModule();
  return module === undefined ? undefined : instantiate(module);
}

/**
 * Why loadKernelModule returned undefined, for logs; undefined when it loaded or was not tried.
 * @example if (!loadKernelModule()) log.warn({ err: kernelModuleError() }, 'wasm kernels unavailable');
 */
export function kernelModuleError(): unknown {
  return loadError;
}

function instantiate(module: object): KernelModule {
  const instance = new WebAssembly.Instance(module, {});
  const exports = instance.exports as unknown as KernelExports;
  const { memory } = exports;
  // 64-byte aligned so that row starts chosen by the layout stay aligned.
  const base = Math.ceil(exports.heapBase() / 64) * 64;
  const mod = {
    exports,
    base,
    bytes: new Uint8Array(memory.buffer),
    words: new Int32Array(memory.buffer),
    reserve(size: number): void {
      const need = base + size;
      if (need <= memory.buffer.byteLength) return;
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      mod.bytes = new Uint8Array(memory.buffer);
      mod.words = new Int32Array(memory.buffer);
    },
  };
  return mod;
}
