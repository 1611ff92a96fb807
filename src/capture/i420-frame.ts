import type { Frame } from '../frame.js';
import { I420Image } from '../kernels/i420.js';

/**
 * A camera frame held as I420 planes (a JPEG replay's): the model reads the planes, and RGB
 * `data` is converted only if something reads it (a kernel chain, the live view, a snapshot).
 * @example mailbox.put(new I420Frame('front', seq, Date.now(), 640, 480, planes))
 */
export class I420Frame extends I420Image implements Frame {
  constructor(
    readonly source: string,
    readonly seq: number,
    readonly timestamp: number,
    width: number,
    height: number,
    i420: Uint8Array,
  ) {
    super(width, height, i420);
  }
}
