/** Pixel storage shared by every stage: 8-bit camera data or float feature maps. */
export type Pixels = Uint8Array | Uint8ClampedArray | Float32Array;

/**
 * An image or feature map: row-major, channels interleaved (HWC).
 * `channels` is 1 (gray), 3 (RGB) or any count for kernel-bank outputs.
 * @example const img: Image = { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) };
 */
export interface Image<T extends Pixels = Pixels> {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: T;
}

/** An 8-bit gray or RGB image that may also carry its pixels as I420 planes. */
export interface CameraImage extends Image<Uint8Array> {
  /**
   * The same picture as I420 (YUV 4:2:0 planes, as JPEG defines YCbCr; even sizes only), when the
   * camera delivered that (a JPEG replay): a model reads these, half the bytes of RGB, and `data`
   * is converted from them only when something reads it (kernels/i420.ts).
   */
  readonly i420?: Uint8Array;
}

/** One decoded camera frame: gray or RGB bytes, with where and when it came from. */
export interface Frame extends CameraImage {
  readonly channels: 1 | 3;
  /** Per-source, increasing. */
  readonly seq: number;
  /** Milliseconds since the epoch, at capture. */
  readonly timestamp: number;
  /** Camera id from the config. */
  readonly source: string;
}

/** The shape of an image without its pixels. */
export interface Shape {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}
