import sharp, { type OutputInfo } from 'sharp';
import { DEFAULT_MAX_PIXELS } from '../config/source-schema.js';
import type { CorruptKind } from '../corrupt-kind.js';

/** A decoded image as the sink receives it. */
export interface Decoded {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** Clock time the JPEG arrived. */
  readonly at: number;
}

export interface JpegDecoderHandlers {
  readonly decoded: (image: Decoded) => void;
  readonly corrupt: (reason: string, kind: CorruptKind) => void;
  /** A JPEG replaced by a newer one before it could be decoded. */
  readonly skipped: () => void;
  /** A failure that is not the JPEG's fault (a bug): the source stops with it. */
  readonly failed: (err: unknown) => void;
}

/**
 * Decodes JPEGs with sharp (libjpeg-turbo, on libuv's pool, off the event loop), one at a time,
 * newest first: a JPEG that arrives while one is decoding waits in a single slot, and a newer
 * one replaces it (counted as skipped). So decoding never queues behind a fast camera.
 * @example const decoder = new JpegDecoder(640, 480, handlers); decoder.submit(jpeg, Date.now()); await decoder.idle();
 */
export class JpegDecoder {
  readonly #width: number;
  readonly #height: number;
  readonly #maxPixels: number;
  readonly #handlers: JpegDecoderHandlers;
  #pending: { jpeg: Uint8Array; at: number } | undefined;
  #running: Promise<void> | undefined;

  /** `width` x `height`: the size frames must have; a JPEG of another size is scaled (cover). */
  constructor(width: number, height: number, handlers: JpegDecoderHandlers) {
    this.#width = width;
    this.#height = height;
    // A camera that sends far more pixels than asked for (a broken or hostile stream) is refused
    // from the JPEG's header, before its pixels take memory: 16x the frame, or a file source's default.
    this.#maxPixels = Math.max(DEFAULT_MAX_PIXELS, 16 * width * height);
    this.#handlers = handlers;
  }

  submit(jpeg: Uint8Array, at: number): void {
    if (this.#pending !== undefined) this.#handlers.skipped();
    this.#pending = { jpeg, at };
    this.#running ??= this.#drain().catch(this.#handlers.failed);
  }

  /** Drops a JPEG waiting to be decoded (the session ended). */
  clear(): void {
    if (this.#pending !== undefined) this.#handlers.skipped();
    this.#pending = undefined;
  }

  /** Resolves when nothing is being decoded. */
  async idle(): Promise<void> {
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      for (let next = this.#pending; next !== undefined; next = this.#pending) {
        this.#pending = undefined;
        const image = await this.#decode(next.jpeg);
        if ('kind' in image) this.#handlers.corrupt(image.reason, image.kind);
        else this.#handlers.decoded({ ...image, at: next.at });
      }
    } finally {
      this.#running = undefined;
    }
  }

  /** The pixels, or why the JPEG could not be decoded. */
  async #decode(jpeg: Uint8Array): Promise<Omit<Decoded, 'at'> | { reason: string; kind: CorruptKind }> {
    let out: { data: Buffer; info: OutputInfo };
    try {
      // failOn 'truncated': skip cut-off frames, but tolerate the minor warnings cheap webcams'
      // JPEGs raise ("extraneous bytes before marker"), which would otherwise fail every frame.
      out = await sharp(jpeg, { failOn: 'truncated', limitInputPixels: this.#maxPixels })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      const reason = `a JPEG that cannot be decoded (${(err as Error).message})`;
      return { reason, kind: decodeFailureKind(err) };
    }
    let { data, info } = out;
    if (info.channels !== 1 && info.channels !== 3)
      return { reason: `a JPEG with ${info.channels} channels`, kind: 'undecodable' };
    if (info.width !== this.#width || info.height !== this.#height) {
      // The camera gave another size than asked for: scale, so every frame has the configured size.
      ({ data, info } = await sharp(data, {
        raw: { width: info.width, height: info.height, channels: info.channels },
      })
        .resize(this.#width, this.#height, { fit: 'cover' })
        .raw()
        .toBuffer({ resolveWithObject: true }));
    }
    return { data, width: info.width, height: info.height, channels: info.channels as 1 | 3 };
  }
}

/**
 * What kind of corrupt a sharp decoding error says an image is: libjpeg's "premature end" is a
 * truncated image, sharp's pixel limit one too large; anything else is undecodable.
 * @example decodeFailureKind(new Error('VipsJpeg: premature end of JPEG image')) // 'truncated'
 */
export function decodeFailureKind(err: unknown): CorruptKind {
  const message = err instanceof Error ? err.message : String(err);
  if (/premature end|truncated/i.test(message)) return 'truncated';
  if (/exceeds pixel limit/i.test(message)) return 'too_large';
  return 'undecodable';
}
