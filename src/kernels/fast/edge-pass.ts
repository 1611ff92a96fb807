import type { BorderFill } from '../types.js';
import type { KernelModule } from '../wasm/module.js';
import type { WasmPass } from './filter-pass.js';
import { ResultCopy } from './filter-pass.js';
import { PaddedInput } from './frame-copy.js';
import { ScratchLayout } from './scratch.js';

/**
 * The fused wasm Sobel magnitude for a gray frame of `width` x `height` (1-pixel border fill),
 * with the reference's rounding and threshold (`>= threshold` becomes 255; undefined: none).
 * @example createEdgePass(mod, 640, 480, 'L1', undefined, 'reflect').run(frame, out)
 */
export function createEdgePass(
  mod: KernelModule,
  width: number,
  height: number,
  norm: 'L1' | 'L2',
  threshold: number | undefined,
  border: BorderFill,
): WasmPass {
  const layout = new ScratchLayout();
  const source = new PaddedInput(mod, layout, { width, height, channels: 1 }, 1, 1, border);
  const outAt = layout.take(width * height);
  mod.reserve(layout.size);
  const result = new ResultCopy(mod, outAt, width * height);
  // Magnitudes are whole numbers 0..255, so ">= 127.5" means ">= 128"; anything <= 0 passes all.
  const cut = threshold === undefined ? -1 : Math.min(256, Math.max(0, Math.ceil(threshold)));
  const l2 = norm === 'L2' ? 1 : 0;
  return {
    run(input, out) {
      source.load(input);
      mod.exports.sobelMagnitude(
        source.address,
        source.stride,
        mod.base + outAt,
        width,
        width,
        height,
        1,
        l2,
        cut,
      );
      result.copyTo(out);
    },
  };
}
