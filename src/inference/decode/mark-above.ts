import { fastEngineAllowed } from '../../kernels/plan.js';
import { loadKernelModule } from '../../kernels/wasm/module.js';

/**
 * Sets marked[n] = 1 for every anchor n with a class score at or above the threshold, and 0 for
 * the others; anchor n's class c score is at first + n * anchorStep + c * classStep. This is the
 * bulk of decoding a YOLO head (2100 anchors x 10 classes for the shipped model), so the usual
 * layout, one row of scores per class in a Float32Array, goes through the kernel module's SIMD
 * pass (the scores copied into its scratch): 4 against 22 us, the copy included. Other layouts,
 * or EDGECAM_KERNEL_ENGINE=typescript, take the loop in TypeScript, which the tests hold it to.
 * @example markAbove(output, 4 * N, 1, N, N, classes, 0.35, marked)
 */
export function markAbove(
  d: ArrayLike<number>,
  first: number,
  anchorStep: number,
  classStep: number,
  N: number,
  C: number,
  threshold: number,
  marked: Uint8Array,
): void {
  const mod = anchorStep === 1 && C > 0 && fastEngineAllowed() ? loadKernelModule() : undefined;
  if (mod === undefined || !(d instanceof Float32Array)) {
    // Over plain arguments and locals, TurboFan keeps the bounds and threshold in registers
    // (three times faster than the same loop reading them from a closure).
    marked.fill(0, 0, N);
    for (let c = 0; c < C; c++) {
      const row = first + c * classStep;
      for (let n = 0; n < N; n++) if (d[row + n * anchorStep]! >= threshold) marked[n] = 1;
    }
    return;
  }
  // The scratch is the thread's shared one: copy in, mark, copy the marks out, all in this call.
  const scoreBytes = ((C - 1) * classStep + N) * 4;
  mod.reserve(scoreBytes + N + 64);
  const src = mod.base;
  const marks = src + scoreBytes;
  mod.bytes.set(new Uint8Array(d.buffer, d.byteOffset + first * 4, scoreBytes), src);
  mod.exports.markColumnsAtOrAbove(src, C, N, classStep * 4, threshold, marks);
  marked.set(mod.bytes.subarray(marks, marks + N));
}
