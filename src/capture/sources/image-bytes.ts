import { readFile } from 'node:fs/promises';

/**
 * Reads image files for a folder replay, keeping their bytes in memory while the total stays
 * within `budget`, so that a looping replay reads each file from disk once. Each readFile costs
 * four trips through libuv's thread pool (open, fstat, read, close): for the sample drive looped
 * as fast as it goes that was 307 against 350 frames a second, 5.0 against 4.7 ms of CPU a frame.
 * A budget of 0 keeps nothing (a replay that plays once reads each file once anyway).
 * @example const images = new ImageBytes(source.loop ? 32 << 20 : 0); const bytes = await images.read(file)
 */
export class ImageBytes {
  readonly #kept = new Map<string, Buffer>();
  #keptBytes = 0;

  constructor(readonly budget: number) {}

  /** The file's bytes: from memory when kept, else read (and kept if they fit the budget). */
  async read(file: string): Promise<Buffer> {
    const kept = this.#kept.get(file);
    if (kept !== undefined) return kept;
    const bytes = await readFile(file);
    if (this.#keptBytes + bytes.length <= this.budget) {
      this.#kept.set(file, bytes);
      this.#keptBytes += bytes.length;
    }
    return bytes;
  }

  /** Bytes kept in memory. */
  get keptBytes(): number {
    return this.#keptBytes;
  }
}
