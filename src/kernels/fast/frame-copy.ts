import type { Image } from '../../frame.js';
import type { BorderFill } from '../types.js';
import type { KernelModule } from '../wasm/module.js';
import type { ScratchLayout } from './scratch.js';

const BORDER_CODE: Record<BorderFill, number> = { zero: 0, edge: 1, reflect: 2 };

/**
 * Copies a frame into wasm memory as a padded image, so that the passes run a `valid`
 * convolution: into the padded region directly when there is no padding, else into an input
 * region and then padded there by the module (a 640x480 copy costs a few microseconds).
 */
export class PaddedInput {
  /** Address of the padded image's first byte (valid after `load`). */
  address = 0;
  /** Bytes per padded row. */
  readonly stride: number;
  readonly #mod: KernelModule;
  readonly #input: number;
  readonly #padded: number;
  readonly #width: number;
  readonly #height: number;
  readonly #channels: number;
  readonly #padX: number;
  readonly #padY: number;
  readonly #border: number;

  constructor(
    mod: KernelModule,
    layout: ScratchLayout,
    shape: { width: number; height: number; channels: number },
    padX: number,
    padY: number,
    border: BorderFill,
  ) {
    this.#mod = mod;
    this.#width = shape.width;
    this.#height = shape.height;
    this.#channels = shape.channels;
    this.#padX = padX;
    this.#padY = padY;
    this.#border = BORDER_CODE[border];
    this.stride = (shape.width + 2 * padX) * shape.channels;
    const padded = padX > 0 || padY > 0;
    this.#input = padded ? layout.take(shape.width * shape.height * shape.channels) : -1;
    this.#padded = layout.take(this.stride * (shape.height + 2 * padY));
  }

  /** Copies `frame` in (and pads it); afterwards `address` points at the padded image. */
  load(frame: Image<Uint8Array>): void {
    const mod = this.#mod;
    const padded = mod.base + this.#padded;
    this.address = padded;
    if (this.#input < 0) {
      mod.bytes.set(frame.data, padded);
      return;
    }
    mod.bytes.set(frame.data, mod.base + this.#input);
    this.pad();
  }

  /**
   * Where a wasm pass may write the unpadded image itself (width x height x channels bytes, 64
   * of slack) and then call `pad`, instead of `load` copying a frame in.
   */
  get inputAddress(): number {
    return this.#mod.base + (this.#input < 0 ? this.#padded : this.#input);
  }

  /** Pads the image at `inputAddress` into the padded region; afterwards `address` points there. */
  pad(): void {
    const mod = this.#mod;
    const padded = mod.base + this.#padded;
    this.address = padded;
    if (this.#input < 0) return;
    mod.exports.padImage(
      mod.base + this.#input,
      this.#width,
      this.#height,
      this.#channels,
      padded,
      this.#padX,
      this.#padY,
      this.#padX,
      this.#padY,
      this.#border,
    );
  }
}
