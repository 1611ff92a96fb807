/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg's `-f mjpeg`, rpicam-vid's MJPEG, an HTTP
 * multipart body) into whole JPEGs, whatever the chunk boundaries.
 *
 * It walks the marker segments by their lengths up to the image data, then scans the
 * entropy-coded data for the end marker (FF D9). Walking the segments matters: an EXIF block may
 * hold a whole thumbnail JPEG with its own FF D8 ... FF D9, which a plain search for FF D9 would
 * take for the end of the frame. Garbage between JPEGs (multipart headers, noise) is skipped; a
 * JPEG cut short by the next one's start marker, a broken segment or an oversized frame is
 * reported as corrupt and the splitter resynchronises on the next start marker.
 */

const MARKER = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** JPEGs above this are taken as a broken stream (a 4K MJPEG frame is well under 4 MB). */
export const MAX_JPEG_BYTES = 16 * 1024 * 1024;

export interface JpegSplitterHandlers {
  /** A complete JPEG, SOI to EOI, in a buffer of its own. */
  readonly jpeg: (data: Buffer) => void;
  /** A JPEG that was cut short or malformed, skipped. */
  readonly corrupt: (reason: string, kind: 'truncated' | 'undecodable' | 'too_large') => void;
}

type State = 'seek' | 'segments' | 'entropy';

/**
 * Feed it chunks in order; it calls `jpeg` for each complete JPEG and `corrupt` for each broken one.
 * @example const splitter = new JpegSplitter({ jpeg: (j) => decode(j), corrupt: (r) => count(r) }); stdout.on('data', (c) => splitter.push(c));
 */
export class JpegSplitter {
  readonly #handlers: JpegSplitterHandlers;
  readonly #maxBytes: number;
  #buf: Buffer = Buffer.allocUnsafe(64 * 1024);
  #end = 0;
  #state: State = 'seek';
  /** Where the JPEG being read starts (segments, entropy). */
  #start = 0;
  /** Where parsing goes on. */
  #pos = 0;

  constructor(handlers: JpegSplitterHandlers, maxBytes = MAX_JPEG_BYTES) {
    this.#handlers = handlers;
    this.#maxBytes = maxBytes;
  }

  /** Appends a chunk and emits every JPEG it completes. */
  push(chunk: Uint8Array): void {
    this.#append(chunk);
    this.#parse();
  }

  /** Forgets a partial JPEG (the stream ended or restarted). */
  reset(): void {
    this.#end = 0;
    this.#start = 0;
    this.#pos = 0;
    this.#state = 'seek';
  }

  #append(chunk: Uint8Array): void {
    // Keep only what is still needed: the JPEG being read, or the last byte while seeking (an FF
    // at the end of one chunk may be the first half of the next chunk's start marker).
    const keep = this.#state === 'seek' ? Math.max(this.#pos - 1, 0) : this.#start;
    if (keep > 0) {
      this.#buf.copyWithin(0, keep, this.#end);
      this.#end -= keep;
      this.#start -= keep;
      this.#pos -= keep;
    }
    const needed = this.#end + chunk.length;
    if (needed > this.#buf.length) {
      let size = this.#buf.length * 2;
      while (size < needed) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.#buf.copy(grown, 0, 0, this.#end);
      this.#buf = grown;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  #parse(): void {
    const buf = this.#buf;
    const end = this.#end;
    for (;;) {
      if (this.#state === 'seek') {
        if (!this.#seek()) return;
      } else if (this.#pos - this.#start > this.#maxBytes) {
        this.#broken(`a frame larger than ${this.#maxBytes} bytes`, 'too_large');
      } else if (this.#state === 'segments') {
        if (!this.#segment(buf, end)) return;
      } else if (!this.#entropy(buf, end)) return;
    }
  }

  /** Starts a JPEG at the next start marker; false when none has arrived yet. */
  #seek(): boolean {
    const at = this.#findSoi(this.#pos);
    if (at < 0) return false;
    this.#start = at;
    this.#pos = at + 2;
    this.#state = 'segments';
    return true;
  }

  /** Steps over one marker segment by its length; false when the rest has not arrived yet. */
  #segment(buf: Buffer, end: number): boolean {
    const pos = this.#pos;
    if (pos + 1 >= end) return false;
    if (buf[pos] !== MARKER) {
      this.#broken('a malformed JPEG segment');
      return true;
    }
    const marker = buf[pos + 1]!;
    if (marker === MARKER) {
      this.#pos = pos + 1; // fill byte before a marker
    } else if (marker === SOI) {
      this.#truncated(pos);
    } else if (marker === EOI) {
      this.#broken('a JPEG with no image data');
    } else if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      this.#pos = pos + 2; // markers without a length
    } else {
      if (pos + 3 >= end) return false;
      const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
      if (length < 2) {
        this.#broken('a malformed JPEG segment length');
        return true;
      }
      this.#pos = pos + 2 + length;
      if (marker === SOS) this.#state = 'entropy';
      // A segment longer than what has arrived: wait for the rest.
      if (this.#pos > end) return false;
    }
    return true;
  }

  /**
   * Scans image data up to the next marker: the end marker completes the JPEG, another segment is
   * walked. False when the data that has arrived is used up.
   */
  #entropy(buf: Buffer, end: number): boolean {
    const ff = buf.indexOf(MARKER, this.#pos);
    if (ff < 0 || ff >= end) {
      this.#pos = end;
      return false;
    }
    if (ff + 1 >= end) {
      this.#pos = ff;
      return false;
    }
    const next = buf[ff + 1]!;
    if (next === 0x00 || next === MARKER || (next >= 0xd0 && next <= 0xd7)) {
      // Stuffed FF, fill byte or restart marker: still image data.
      this.#pos = next === MARKER ? ff + 1 : ff + 2;
    } else if (next === EOI && ff + 2 - this.#start > this.#maxBytes) {
      this.#broken(`a frame larger than ${this.#maxBytes} bytes`, 'too_large');
    } else if (next === EOI) {
      const jpeg = Buffer.allocUnsafe(ff + 2 - this.#start);
      buf.copy(jpeg, 0, this.#start, ff + 2);
      this.#pos = ff + 2;
      this.#state = 'seek';
      this.#handlers.jpeg(jpeg);
    } else if (next === SOI) {
      this.#truncated(ff);
    } else {
      // Another segment (a progressive JPEG's next scan, a table): walk it.
      this.#pos = ff;
      this.#state = 'segments';
    }
    return true;
  }

  /** The index of the next FF D8 at or after `from` in what has arrived, or -1. */
  #findSoi(from: number): number {
    const buf = this.#buf;
    let at = from;
    for (;;) {
      at = buf.indexOf(MARKER, at);
      if (at < 0 || at + 1 >= this.#end) {
        this.#pos = at < 0 || at >= this.#end ? this.#end : at;
        return -1;
      }
      if (buf[at + 1] === SOI) return at;
      at++;
    }
  }

  /** A new JPEG started before this one ended. */
  #truncated(nextStart: number): void {
    this.#handlers.corrupt('a truncated JPEG (the next frame began before it ended)', 'truncated');
    this.#start = nextStart;
    this.#pos = nextStart + 2;
    this.#state = 'segments';
  }

  /**
   * A broken frame: look for the next start marker from just after this frame's own, since a
   * bad segment length may have jumped over the next frame's start.
   */
  #broken(reason: string, kind: 'undecodable' | 'too_large' = 'undecodable'): void {
    this.#handlers.corrupt(reason, kind);
    this.#pos = this.#start + 2;
    this.#state = 'seek';
  }
}
