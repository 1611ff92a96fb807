import { open, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import type { CorruptKind } from '../../corrupt-kind.js';
import { decodeFailureKind } from '../jpeg-decoder.js';

/** Whether a replay can play an image file, and if not, why (in words and in one word). */
export type Verdict =
  | { readonly playable: true }
  | { readonly playable: false; readonly kind: CorruptKind; readonly reason: string };

const PLAYABLE: Verdict = { playable: true };

/**
 * Screens the image files of a folder replay before they are decoded, once per file: an empty
 * file, one that cannot be read, one whose header does not parse, one with more pixels than
 * `maxPixels` (read from the header: sharp's metadata() reads no pixels) and a JPEG cut short are
 * refused, so that the replay skips them and counts them rather than handing them to a decoder.
 * ffmpeg, handed such a file in its list, stopped the whole run at an empty one (the replay then
 * retried that file for ever) and lost the frame after an 8000x8000 one.
 * @example const screen = new ImageScreen(40_000_000); if (!(await screen.check(file)).playable) skip(file)
 */
export class ImageScreen {
  readonly #verdicts = new Map<string, Verdict>();

  constructor(readonly maxPixels: number) {}

  /** The file's verdict: screened on the first call, then remembered. */
  async check(file: string): Promise<Verdict> {
    let verdict = this.#verdicts.get(file);
    if (verdict === undefined) {
      verdict = await screenImage(file, this.maxPixels);
      this.#verdicts.set(file, verdict);
    }
    return verdict;
  }

  /** Refuses a file the decoder failed on after it passed the screen; the replay skips it from now on. */
  refuse(file: string, kind: CorruptKind, reason: string): void {
    this.#verdicts.set(file, { playable: false, kind, reason });
  }
}

/** Screens one file (see ImageScreen). */
async function screenImage(file: string, maxPixels: number): Promise<Verdict> {
  const size = await stat(file).then(
    (info) => info.size,
    (err: unknown) => err as Error,
  );
  if (size instanceof Error) return refused('unreadable', `cannot be read (${size.message})`);
  if (size === 0) return refused('empty', 'is empty (0 bytes)');
  let header: Metadata;
  try {
    header = await sharp(file).metadata();
  } catch (err) {
    return refused(decodeFailureKind(err), `is not an image that can be decoded (${(err as Error).message})`);
  }
  const { width = 0, height = 0 } = header;
  if (width * height > maxPixels) {
    return refused(
      'too_large',
      `is ${width}x${height}, ${width * height} pixels, more than source.maxPixels (${maxPixels}): scale it down, or raise maxPixels`,
    );
  }
  const whole = header.format !== 'jpeg' || (await endsWithEoi(file, size).catch(() => false));
  if (!whole) return decodes(file);
  return PLAYABLE;
}

function refused(kind: CorruptKind, reason: string): Verdict {
  return { playable: false, kind, reason };
}

/** Whether a JPEG's last two bytes are its end-of-image marker (FF D9), as a whole file's are. */
async function endsWithEoi(file: string, size: number): Promise<boolean> {
  if (size < 2) return false;
  const handle = await open(file, 'r');
  try {
    const tail = Buffer.alloc(2);
    await handle.read(tail, 0, 2, size - 2);
    return tail[0] === 0xff && tail[1] === 0xd9;
  } finally {
    await handle.close();
  }
}

/**
 * A JPEG without the end marker last is cut short, or carries something after it (phones append
 * a motion photo's video): decoding it tells which. JPEG shrink-on-load decodes at 1/8 scale, so
 * this reads every byte of the scan without holding the full-size pixels.
 */
async function decodes(file: string): Promise<Verdict> {
  try {
    await sharp(file, { failOn: 'truncated' }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    return PLAYABLE;
  } catch (err) {
    return refused(decodeFailureKind(err), `does not decode (${(err as Error).message})`);
  }
}
