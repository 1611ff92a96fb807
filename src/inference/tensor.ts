import { EdgecamError } from '../errors.js';
import type { CameraImage } from '../frame.js';
import { i420Size } from '../kernels/i420.js';
import type { InputSpec } from './manifest.js';
import { type Placement, placeFrame } from './placement.js';
import { type AxisMap, axisMap, clampRound, LUMA, type PlainPass, resample } from './plain-resample.js';
import { RgbPlanarResampler } from './wasm-resample.js';

/** The typed array behind a model input of each dtype. */
export type InputData = Float32Array | Uint8Array | Int8Array;

/**
 * A model's input tensor and the one pass that fills it from a frame: bilinear resize (stretch,
 * letterbox or centre crop), colour order, normalisation ((pixel * scale - mean) / std, per
 * channel in the model's colour order), integer rounding and layout (NCHW or NHWC). The resize
 * tables, the border and the tensor itself are made once per frame size. RGB frames into NCHW
 * inputs (most ONNX models) take the WebAssembly SIMD path (wasm-resample.ts), which keeps the
 * tensor in its module's memory, where it has a pass for the case; others, or
 * EDGECAM_KERNEL_ENGINE=typescript, the TypeScript loop below, which the tests hold it to.
 * @example const input = new InputTensor(manifest.input); const placement = input.fill(frame);
 */
export class InputTensor {
  readonly spec: InputSpec;
  readonly channels: 1 | 3;
  /** [1, C, H, W] or [1, H, W, C]. */
  readonly dims: readonly number[];
  /** The input as the TypeScript path fills it; allocated when first needed. */
  #plain: InputData | undefined;
  /** What the last frame filled: #plain, or the WebAssembly pass's tensor. */
  #data: InputData | undefined;
  private readonly gain: Float64Array;
  private readonly bias: Float64Array;
  /** Model channel k takes frame channel source[k] (RGB order); GRAY takes luma. */
  private readonly source: readonly number[];
  private readonly padValues: Float64Array;
  private cache:
    | {
        width: number;
        height: number;
        channels: number;
        placement: Placement;
        x: AxisMap;
        y: AxisMap;
        /** The TypeScript pass's constants for this frame size. */
        plain: PlainPass;
        /** The WebAssembly path, for RGB frames into NCHW inputs where it has a pass and the engine allows it. */
        wasm: RgbPlanarResampler | undefined;
      }
    | undefined;

  constructor(spec: InputSpec) {
    this.spec = spec;
    const C = spec.colorOrder === 'GRAY' ? 1 : 3;
    this.channels = C;
    const { width: W, height: H } = spec;
    this.dims = spec.layout === 'NCHW' ? [1, C, H, W] : [1, H, W, C];
    this.source = spec.colorOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
    const scale = spec.scale ?? (spec.dtype === 'float32' ? 1 / 255 : 1);
    this.gain = new Float64Array(C);
    this.bias = new Float64Array(C);
    for (let k = 0; k < C; k++) {
      const mean = channelValue(spec.mean, k, 'mean', C);
      const std = channelValue(spec.std, k, 'std', C);
      this.gain[k] = scale / std;
      this.bias[k] = -mean / std;
    }
    this.padValues = new Float64Array(C);
    const pad = spec.padColor;
    for (let k = 0; k < C; k++) {
      const raw = C === 1 ? LUMA[0] * pad[0] + LUMA[1] * pad[1] + LUMA[2] * pad[2] : pad[this.source[k]!]!;
      this.padValues[k] = this.store(raw * this.gain[k]! + this.bias[k]!);
    }
  }

  /**
   * The input's elements, filled in place by every frame. The same array from one frame to the
   * next while the frame size stays; a new frame size may bring another (a WebAssembly pass
   * keeps the input in its own memory), so read it after each fill.
   */
  get data(): InputData {
    this.#data ??= this.plain();
    return this.#data;
  }

  private plain(): InputData {
    if (this.#plain === undefined) {
      const n = this.channels * this.spec.width * this.spec.height;
      const dtype = this.spec.dtype;
      this.#plain =
        dtype === 'float32' ? new Float32Array(n) : dtype === 'uint8' ? new Uint8Array(n) : new Int8Array(n);
    }
    return this.#plain;
  }

  /** Which pass filled the tensor from the last frame size: a WebAssembly one, or the TypeScript loop. */
  get resamplePass(): 'halve' | 'bilinear' | 'typescript' | undefined {
    return this.cache === undefined ? undefined : (this.cache.wasm?.pass ?? 'typescript');
  }

  /** Rounds and clamps for integer inputs (what a Uint8Array or Int8Array store would otherwise wrap). */
  private store(v: number): number {
    const dtype = this.spec.dtype;
    if (dtype === 'float32') return v;
    return dtype === 'uint8' ? clampRound(v, 0, 255) : clampRound(v, -128, 127);
  }

  /**
   * Fills the tensor from a gray or RGB frame; returns where the frame landed, for mapping boxes back.
   * A frame that carries I420 planes (CameraImage.i420) is read from them.
   * @example const placement = input.fill(frame); // then run the model on input.data
   */
  fill(frame: CameraImage): Placement {
    const { width: FW, height: FH, channels: FC } = frame;
    if (FC !== 1 && FC !== 3) {
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `Expected a frame with 1 or 3 channels but received ${FC}: models take gray or RGB frames`,
      );
    }
    // Measured on the planes when there are some: reading data would convert them.
    const [need, got, what] =
      frame.i420 === undefined
        ? [FW * FH * FC, frame.data.length, `${FW}x${FH}x${FC} frame`]
        : [i420Size(FW, FH), frame.i420.length, `${FW}x${FH} I420 frame`];
    if (got < need) {
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `Expected ${need} bytes for a ${what} but received ${got}`,
      );
    }
    let c = this.cache;
    if (c === undefined || c.width !== FW || c.height !== FH || c.channels !== FC) {
      const p = placeFrame(FW, FH, this.spec);
      const x = axisMap(p.contentX0, p.contentX1, p.scaleX, p.offsetX, FW, FC);
      const y = axisMap(p.contentY0, p.contentY1, p.scaleY, p.offsetY, FH, FW * FC);
      c = {
        width: FW,
        height: FH,
        channels: FC,
        placement: p,
        x,
        y,
        plain: this.plainPass(FC, p),
        wasm: this.wasmPath(FW, FH, FC, p, x, y),
      };
      this.cache = c;
      this.#data = c.wasm?.tensor ?? this.plain();
      // The border is the same for every frame of this size and nothing else writes the tensor:
      // fill it once here rather than every frame.
      if (p.contentX0 > 0 || p.contentY0 > 0 || p.contentX1 < p.inputWidth || p.contentY1 < p.inputHeight) {
        this.fillPadding(p);
      }
    }
    const p = c.placement;
    // A frame held as I420 planes goes to the pass as such; `data` would convert it here first.
    if (frame.i420 !== undefined && c.wasm?.runI420(frame.i420) === true) return p;
    if (c.wasm !== undefined) c.wasm.run(frame.data);
    else resample(frame.data, this.data, c.plain, c.x, c.y);
    return p;
  }

  private wasmPath(
    FW: number,
    FH: number,
    FC: number,
    p: Placement,
    x: AxisMap,
    y: AxisMap,
  ): RgbPlanarResampler | undefined {
    const { width: W, height: H, dtype, layout } = this.spec;
    if (FC !== 3 || this.channels !== 3 || dtype === 'int8' || layout !== 'NCHW') return undefined;
    // Frame channel c feeds the model plane k whose source is c (RGB: k = c; BGR: k = 2 - c).
    const plane = [0, 1, 2].map((c) => this.source.indexOf(c)) as [number, number, number];
    const first = p.contentY0 * W + p.contentX0;
    return RgbPlanarResampler.create(FW, FH, x, y, {
      dtype,
      length: 3 * W * H,
      planes: plane.map((k) => k * W * H + first) as [number, number, number],
      rowStride: W,
      gain: plane.map((k) => this.gain[k]!) as [number, number, number],
      bias: plane.map((k) => this.bias[k]!) as [number, number, number],
    });
  }

  private fillPadding(p: Placement): void {
    const { width: W, height: H } = this.spec;
    const C = this.channels;
    const nchw = this.spec.layout === 'NCHW';
    const out = this.data;
    for (let y = 0; y < H; y++) {
      const inRows = y >= p.contentY0 && y < p.contentY1;
      for (let x = 0; x < W; x++) {
        if (inRows && x >= p.contentX0 && x < p.contentX1) {
          x = p.contentX1 - 1; // skip the content span; the resample pass writes it
          continue;
        }
        const pix = y * W + x;
        for (let k = 0; k < C; k++) out[nchw ? k * W * H + pix : pix * C + k] = this.padValues[k]!;
      }
    }
  }

  /** The TypeScript pass's constants for frames of `FC` channels placed at `p`. */
  private plainPass(FC: number, p: Placement): PlainPass {
    const { width: W, height: H, dtype } = this.spec;
    const C = this.channels;
    const nchw = this.spec.layout === 'NCHW';
    const gray = C === 1;
    return {
      frameChannels: FC,
      gray,
      integer: dtype !== 'float32',
      min: dtype === 'int8' ? -128 : 0,
      max: dtype === 'int8' ? 127 : 255,
      width: W,
      pixStride: nchw ? 1 : C,
      plane: nchw ? W * H : 1,
      x0: p.contentX0,
      y0: p.contentY0,
      nx: p.contentX1 - p.contentX0,
      // Frame channel for each model channel (gray frames feed every channel from their one).
      s0: FC === 1 ? 0 : this.source[0]!,
      s1: FC === 1 ? 0 : this.source[1]!,
      s2: FC === 1 ? 0 : this.source[2]!,
      g0: this.gain[0]!,
      b0: this.bias[0]!,
      g1: gray ? 0 : this.gain[1]!,
      b1: gray ? 0 : this.bias[1]!,
      g2: gray ? 0 : this.gain[2]!,
      b2: gray ? 0 : this.bias[2]!,
    };
  }
}

function channelValue(v: number | readonly number[], k: number, what: string, channels: number): number {
  if (typeof v === 'number') return v;
  if (v.length === 1) return v[0]!;
  if (v.length !== channels) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MANIFEST',
      `input.${what} lists ${v.length} values but the input has ${channels} channel(s): give one value or ${channels}`,
    );
  }
  return v[k]!;
}
