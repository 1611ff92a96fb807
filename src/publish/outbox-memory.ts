import { decodeEntry, type OutboxEntry } from './outbox-record.js';

/**
 * The outbox's entries that are in memory: the recent ones this process wrote (so that the pump
 * reads new entries without a trip through LevelDB) and the ones held while the disk is full.
 */

/**
 * Written entries of this process still waiting, oldest first, up to a byte bound; past it the
 * oldest are on disk only, and so is every entry before them.
 * @example recent.remember(seq, value); recent.covers(seq + 1) // read from memory
 */
export class RecentEntries {
  readonly #entries = new Map<number, OutboxEntry>();
  #bytes = 0;
  /** Every entry waiting from this seq on is here once written; older ones are on disk only. */
  #from: number;

  constructor(
    private readonly maxBytes: number,
    from: number,
  ) {
    this.#from = from;
  }

  /** Whether every waiting entry from `seq` on is in memory. */
  covers(seq: number): boolean {
    return seq >= this.#from;
  }

  entries(): Iterable<OutboxEntry> {
    return this.#entries.values();
  }

  /** Keeps a written entry. */
  remember(seq: number, value: Buffer): void {
    this.#entries.set(seq, decodeEntry(seq, value));
    this.#bytes += value.length;
    for (const [old, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(old);
      this.#bytes -= entry.size;
      this.#from = old + 1;
    }
  }

  /** Forgets a removed entry. */
  forget(seq: number): void {
    const entry = this.#entries.get(seq);
    if (entry === undefined) return;
    this.#entries.delete(seq);
    this.#bytes -= entry.size;
  }
}

/**
 * Entries and deletes the disk could not take, oldest first (every held entry is newer than any
 * written one: nothing is written while some are held).
 * @example held.hold(seq, value); if (held.bytes > bound) ...
 */
export class HeldEntries {
  readonly #entries = new Map<number, OutboxEntry>();
  #bytes = 0;
  #deletes: string[] = [];

  /** @param maxDeletes deletes kept at most (a lost one costs a duplicate delivery after a restart) */
  constructor(private readonly maxDeletes: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  entries(): Iterable<OutboxEntry> {
    return this.#entries.values();
  }

  seqs(): Iterable<number> {
    return this.#entries.keys();
  }

  hold(seq: number, value: Buffer): void {
    this.#entries.set(seq, decodeEntry(seq, value));
    this.#bytes += value.length;
  }

  holdDelete(key: string): void {
    if (this.#deletes.length < this.maxDeletes) this.#deletes.push(key);
  }

  /** Forgets a held entry; false when it was not held. */
  release(seq: number): boolean {
    const entry = this.#entries.get(seq);
    if (entry === undefined) return false;
    this.#entries.delete(seq);
    this.#bytes -= entry.size;
    return true;
  }

  /** Everything held, oldest first, and empty afterwards. */
  take(): { entries: OutboxEntry[]; deletes: string[] } {
    const taken = { entries: [...this.#entries.values()], deletes: this.#deletes };
    this.#entries.clear();
    this.#bytes = 0;
    this.#deletes = [];
    return taken;
  }
}

/** Up to `limit` entries after `seq` from groups in seq order, one after the other. */
export function entriesAfter(seq: number, limit: number, ...groups: Iterable<OutboxEntry>[]): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const group of groups) {
    for (const entry of group) {
      if (entries.length === limit) return entries;
      if (entry.seq > seq) entries.push(entry);
    }
  }
  return entries;
}
