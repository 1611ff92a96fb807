import type { Image, Pixels, Shape } from '../frame.js';
import { type ConvGeometry, planConv } from './geometry.js';
import { checkImage, prepareFloatOut } from './image.js';
import { checkKernel, flippedWeights, separate } from './kernel.js';
import { borderIndexMap } from './padding.js';
import { correlateSeparable } from './separable.js';
import type { ConvOptions, Kernel } from './types.js';

export { resolvePadding } from './padding.js';

/**
 * The output shape of conv2d for this input, kernel and options; throws like outputSize (naming
 * I, F, P, S and the axis) and on a kernel depth that is neither 1 nor the input's channel count.
 * @example conv2dShape({ width: 13, height: 13, channels: 1 }, resolveKernel('box3'), { padding: 'valid', stride: 2 }) // 6x6x1
 */
export function conv2dShape(input: Shape, kernel: Kernel, options?: ConvOptions): Shape {
  checkKernel(kernel);
  const g = planConv(input, kernel, options);
  return { width: g.outWidth, height: g.outHeight, channels: g.outChannels };
}

/**
 * 2-D convolution (default: convolve, 'same' padding, zero border, stride 1) of an HWC image:
 * a 2-D kernel filters each of C channels alone (C out); a 3-D kernel of depth C gives 1 channel.
 * out[oy][ox][c] = sum padded[oy*S+ky][ox*S+kx][c] * K'[ky][kx], K' = K rotated 180 degrees for
 * `convolve`, K for `correlate`. Rank-1 kernels (box, Gaussian, Sobel) run as two 1-D passes.
 * `reflect` borders mirror repeatedly when the padding is as large as the image.
 * @example conv2d(gray, resolveKernel('sobel-left'), { border: 'reflect' })
 */
export function conv2d(
  input: Image,
  kernel: Kernel,
  options?: ConvOptions,
  out?: Image<Float32Array>,
): Image<Float32Array> {
  checkKernel(kernel);
  checkImage(input, 'input');
  const g = planConv(input, kernel, options);
  const target = prepareFloatOut(
    out,
    { width: g.outWidth, height: g.outHeight, channels: g.outChannels },
    input,
  );
  // A 1xN or Nx1 kernel gains nothing from splitting; anything larger does (6 taps instead of 9 at 3x3).
  if (kernel.depth === 1 && kernel.width > 1 && kernel.height > 1) {
    const factors = separate(kernel);
    if (factors !== undefined) {
      correlateSeparable(input.data, factors.column, factors.row, g, target.data);
      return target;
    }
  }
  const weights = g.mode === 'convolve' ? flippedWeights(kernel) : kernel.weights;
  correlateDirect(input.data, weights, g, target.data);
  return target;
}

/**
 * Correlation with correlate-form weights ([y][x][d]) over checked inputs: interior pixels read
 * through a precomputed offset table with no bounds checks; only border pixels use the fill maps.
 * @example correlateDirect(img.data, kernel.weights, planConv(img, kernel, { mode: 'correlate' }), out.data)
 */
export function correlateDirect(src: Pixels, w: Float32Array, g: ConvGeometry, dst: Float32Array): void {
  const {
    inWidth: W,
    inHeight: H,
    inChannels: C,
    kernelWidth: Fw,
    kernelHeight: Fh,
    kernelDepth: D,
    padX,
    padY,
    stride: S,
    outWidth: OW,
    outHeight: OH,
    outChannels: OC,
  } = g;
  const taps = Fw * Fh * D;
  const offsets = new Int32Array(taps);
  for (let ky = 0; ky < Fh; ky++) {
    for (let kx = 0; kx < Fw; kx++) {
      for (let d = 0; d < D; d++) offsets[(ky * Fw + kx) * D + d] = (ky * W + kx) * C + d;
    }
  }
  const rowMap = borderIndexMap(H, padY, g.border);
  const colMap = borderIndexMap(W, padX, g.border);
  // Output columns whose window lies wholly inside the image: x0 = ox*S - padX >= 0, x0 + Fw <= W.
  const oxLo = Math.min(OW, Math.ceil(padX / S));
  const oxHi = Math.max(oxLo, Math.min(OW, Math.floor((W - Fw + padX) / S) + 1));
  const border: BorderPass = { src, w, dst, rowMap, colMap, W, C, Fw, Fh, D, S, OW, OC };

  for (let oy = 0; oy < OH; oy++) {
    const y0 = oy * S - padY;
    if (y0 < 0 || y0 + Fh > H) {
      correlateBorder(border, oy, 0, OW);
      continue;
    }
    correlateBorder(border, oy, 0, oxLo);
    let o = (oy * OW + oxLo) * OC;
    for (let ox = oxLo; ox < oxHi; ox++) {
      const base = (y0 * W + ox * S - padX) * C;
      for (let c = 0; c < OC; c++) {
        const b = base + c;
        let acc = 0;
        for (let t = 0; t < taps; t++) acc += src[b + offsets[t]!]! * w[t]!;
        dst[o++] = acc;
      }
    }
    correlateBorder(border, oy, oxHi, OW);
  }
}

interface BorderPass {
  readonly src: Pixels;
  readonly w: Float32Array;
  readonly dst: Float32Array;
  readonly rowMap: Int32Array;
  readonly colMap: Int32Array;
  readonly W: number;
  readonly C: number;
  readonly Fw: number;
  readonly Fh: number;
  readonly D: number;
  readonly S: number;
  readonly OW: number;
  readonly OC: number;
}

/** Output pixels oy, [oxFrom, oxTo) whose window crosses the image edge: read through the fill maps. */
function correlateBorder(p: BorderPass, oy: number, oxFrom: number, oxTo: number): void {
  const { src, w, dst, rowMap, colMap, W, C, Fw, Fh, D, S, OW, OC } = p;
  const y0 = oy * S;
  let o = (oy * OW + oxFrom) * OC;
  for (let ox = oxFrom; ox < oxTo; ox++) {
    const x0 = ox * S;
    for (let c = 0; c < OC; c++) {
      let acc = 0;
      for (let ky = 0; ky < Fh; ky++) {
        const sy = rowMap[y0 + ky]!;
        if (sy < 0) continue;
        for (let kx = 0; kx < Fw; kx++) {
          const sx = colMap[x0 + kx]!;
          if (sx < 0) continue;
          const s = (sy * W + sx) * C + c;
          const t = (ky * Fw + kx) * D;
          for (let d = 0; d < D; d++) acc += src[s + d]! * w[t + d]!;
        }
      }
      dst[o++] = acc;
    }
  }
}
