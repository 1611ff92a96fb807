import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { EdgecamError } from '../errors.js';
import type { OutboxLimits } from './outbox-ledger.js';
import { decodeEntry, seqOf } from './outbox-record.js';

/** The outbox's LevelDB store: how it is made and opened, read at start-up, and its errors. */

export type Store = Level<string, Buffer>;

/** The store in `dir` (not opened yet). */
export function storeFor(dir: string, limits: OutboxLimits): Store {
  return new Level<string, Buffer>(dir, {
    keyEncoding: 'utf8',
    valueEncoding: 'buffer',
    writeBufferSize: writeBufferSize(limits),
    cacheSize: BLOCK_CACHE_BYTES,
  });
}

/**
 * LevelDB's write buffer: what it holds in memory (and in its log, not counted in the bounds)
 * before it writes a table file. 512 KB at most: with 4 MB (LevelDB's default, and the cap here
 * before) the daemon's memory rose by 4 MB over a few minutes of snapshots (a camera writes about
 * 25 KB a second), then fell again (`npm run bench:memory`, 5 minutes).
 */
export function writeBufferSize(limits: OutboxLimits): number {
  return Math.min(512 << 10, Math.max(64 << 10, Math.floor(limits.maxBytes / 16)));
}

/**
 * LevelDB's cache of table blocks read back, 8 MB by default. The outbox reads each entry once,
 * oldest first, and its recent entries from memory (outbox.ts), so a small cache does.
 */
const BLOCK_CACHE_BYTES = 512 << 10;

/** Opens the store (again), making its folder first. */
export async function openStore(db: Store): Promise<void> {
  await mkdir(db.location, { recursive: true });
  await db.open();
}

/** Every stored entry's seq, size, kind and topic, oldest first. */
export async function readSizes(db: Store) {
  const sizes: { seq: number; size: number; droppable: boolean; topic: string }[] = [];
  for await (const [key, value] of db.iterator()) {
    const entry = decodeEntry(seqOf(key), value);
    sizes.push({ seq: entry.seq, size: value.length, droppable: entry.droppable, topic: entry.topic });
  }
  return sizes;
}

/** The store cannot be opened or written: EDGECAM_ERR_STATE_DIR with the reason and a fix. */
export function stateDirError(dir: string, err: unknown): EdgecamError {
  const cause = err as { code?: string; cause?: { code?: string; message?: string }; message?: string };
  const locked = cause.cause?.code === 'LEVEL_LOCKED' || /lock/i.test(cause.cause?.message ?? '');
  const why = locked
    ? 'another edgecam process is using it'
    : (cause.cause?.message ?? cause.message ?? String(err));
  return new EdgecamError(
    'EDGECAM_ERR_STATE_DIR',
    `cannot open the outbox in ${dir}: ${why}. Fix: ${
      locked
        ? 'stop the other edgecam, or give this one its own stateDir'
        : 'make stateDir writable by the edgecam user (systemd: StateDirectory=edgecam), or set stateDir'
    }`,
    { cause: err },
  );
}
