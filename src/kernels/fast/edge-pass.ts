import type { BorderFill } from '../types.js';
import type { KernelModule } from '../wasm/module.js';
import type { WasmPass } from './filter-pass.js';
import { ResultCopy } from './filter-pass.js';
import { PaddedInput } from './frame-copy.js';
import { ScratchLayout } from './scratch.js';

/**
 * The fused wasm Sobel magnitude for a gray or RGB frame of `width` x `height` (1-pixel border
 * fill), with the reference's rounding and threshold (`>= threshold` becomes 255; undefined:
 * none). RGB goes through the module's rgbToGray first, the same bytes as src/kernels/gray.ts.
 * @example createEdgePass(mod, 640, 480, 3, 'L1', undefined, 'reflect').run(frame, out)
 */
export function createEdgePass(
  mod: KernelModule,
  width: number,
  height: number,
  channels: 1 | 3,
  norm: 'L1' | 'L2',
  threshold: number | undefined,
  border: BorderFill,
): WasmPass {
  const layout = new ScratchLayout();
  const rgbAt = channels === 3 ? layout.take(width * height * 3) : -1;
  const source = new PaddedInput(mod, layout, { width, height, channels: 1 }, 1, 1, border);
  const outAt = layout.take(width * height);
  mod.reserve(layout.size);
  const result = new ResultCopy(mod, outAt, width * height);
  // Magnitudes are whole numbers 0..255, so ">= 127.5" means ">= 128"; anything <= 0 passes all.
  const cut = threshold === undefined ? -1 : Math.min(256, Math.max(0, Math.ceil(threshold)));
  const l2 = norm === 'L2' ? 1 : 0;
  return {
    run(input, out) {
      if (rgbAt < 0) {
        source.load(input);
      } else {
        mod.bytes.set(input.data, mod.base + rgbAt);
        mod.exports.rgbToGray(mod.base + rgbAt, source.inputAddress, width * height);
        source.pad();
      }
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
