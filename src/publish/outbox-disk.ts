import { readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the outbox asks of the file system around its store: whether a write failed for want of
 * space, how much space there is, and how much its files take.
 */

/** Whether a store error means the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return true;
    // LevelDB reports it as an IO error whose message carries strerror(ENOSPC).
    if (typeof e.message === 'string' && /no space left on device|disk quota exceeded/i.test(e.message))
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** What a disk-full error says, from the error in its causes that names it ("No space left on device"). */
export function diskFullMessage(err: unknown): string {
  for (let e = err as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === 'string' && /no space left on device|disk quota exceeded/i.test(e.message))
      return e.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Bytes free for an unprivileged writer on the file system of `dir` (Infinity when unknown). */
export async function freeBytes(dir: string): Promise<number> {
  try {
    const fs = await statfs(dir);
    return fs.bavail * fs.bsize;
  } catch {
    // No statfs answer (the folder is gone, say): let the write itself find out.
    return Number.POSITIVE_INFINITY;
  }
}

/** Bytes the files directly in `dir` take (0 when it is missing). */
export async function folderBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) {
    try {
      total += (await stat(join(dir, name))).size;
    } catch {
      // Removed by a compaction between the listing and the stat.
    }
  }
  return total;
}

/** A store that can be compacted (classic-level, which `level` is on Node.js; its types omit it). */
interface Compactable {
  readonly status: string;
  compactRange(start: string, end: string): Promise<void>;
}

/**
 * Keeps a LevelDB store's files within a byte bound: after every eighth of the bound written it
 * looks at their size, and past the bound compacts the whole key range. LevelDB keeps deleted
 * entries in its files until a compaction reaches them, which under a steady flow can take many
 * times what is live.
 * @example const watch = new SizeWatch(dir, db, maxBytes, '0', 'f', onError); watch.written(bytes)
 */
export class SizeWatch {
  #sinceCheck = 0;
  #checking: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly db: Compactable,
    private readonly maxBytes: number,
    private readonly range: readonly [string, string],
    private readonly onError: (err: unknown) => void,
  ) {}

  /** `bytes` more were written. */
  written(bytes: number): void {
    this.#sinceCheck += bytes;
    if (this.#checking !== undefined || this.#sinceCheck < Math.max(64 << 10, this.maxBytes / 8)) return;
    this.#sinceCheck = 0;
    this.#checking = this.check()
      .catch((err: unknown) => {
        // A full disk is the outbox's to report (its writes fail too); compaction waits for room.
        if (!isDiskFull(err)) this.onError(err);
      })
      .finally(() => {
        this.#checking = undefined;
      });
  }

  /** Resolves when the check in progress, if any, is done. */
  async idle(): Promise<void> {
    await this.#checking;
  }

  /** Compacts the store when its files take more than the bound. */
  async check(): Promise<void> {
    if ((await folderBytes(this.dir)) <= this.maxBytes || this.db.status !== 'open') return;
    await this.db.compactRange(...this.range);
  }
}
