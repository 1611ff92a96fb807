import { EdgecamError } from '../errors.js';
import { type Clock, systemClock } from '../time/clock.js';
import { type BatchOp, BatchQueue } from './outbox-batches.js';
import { diskFullMessage, freeBytes, isDiskFull, SizeWatch } from './outbox-disk.js';
import { type Discard, type DiscardReason, OutboxLedger, type OutboxLimits } from './outbox-ledger.js';
import { entriesAfter, HeldEntries, RecentEntries } from './outbox-memory.js';
import {
  decodeEntry,
  encodeEntry,
  keyOf,
  type OutboxEntry,
  type OutboxMessage,
  seqOf,
} from './outbox-record.js';
import { openStore, readSizes, type Store, stateDirError, storeFor } from './outbox-store.js';

export type { DiscardReason, OutboxLimits } from './outbox-ledger.js';
export type { OutboxEntry, OutboxMessage } from './outbox-record.js';

/**
 * The persistent outbox: an ordered, bounded queue of MQTT messages on disk (LevelDB through
 * `level`, whose writes survive a kill -9, and with sync writes a power cut). Events and snapshots
 * wait here until the broker acknowledges them (outbox-pump.ts), so a broker outage or a restart
 * loses nothing. The bounds (maxMessages, maxBytes) keep events first (outbox-ledger.ts), and
 * hold on disk too: when LevelDB's files outgrow maxBytes (deleted entries stay in its files until
 * a compaction), the store is compacted.
 *
 * Appends made while a write is in progress go together in the next batch: one fsync for many
 * events (outbox-batches.ts). What this process appended stays in memory too (up to RECENT_BYTES)
 * until it is removed, so the pump reads new entries without a trip through LevelDB.
 *
 * When the disk is full (at a write, or already at start-up) nothing fails: new entries are held
 * in memory, in order, up to HELD_BYTES (then the oldest are dropped and counted), and delivered
 * from there; once statfs shows room again, the store is reopened and they are written after what
 * it holds.
 */

/** Bytes of entries written by this process that are also kept in memory for readAfter. */
const RECENT_BYTES = 8 << 20;

/** Bytes of entries held in memory, at most, while the disk cannot take them (capped by maxBytes). */
export const HELD_BYTES = 8 << 20;

/** How long a delete waits to share its write with other deletes and the next append's batch. */
export const DELETE_DELAY_MS = 200;

/** How often a full disk is looked at again. */
export const RETRY_MS = 5000;

/** Free bytes, besides what is held, that the disk needs before the store is written again. */
const HEADROOM = 64 << 10;

export interface OutboxOptions {
  /** For the full-disk retries (the system clock by default). */
  readonly clock?: Clock;
}

/** Why the outbox cannot write, while it cannot. */
export interface OutboxFault {
  readonly message: string;
  /** Entries held in memory meanwhile. */
  readonly held: number;
}

/**
 * A bounded persistent FIFO of MQTT messages under a directory.
 * @example const outbox = await Outbox.open('.edgecam/outbox', { maxMessages: 10000, maxBytes: 64 << 20 })
 */
export class Outbox {
  readonly #ledger: OutboxLedger;
  #nextSeq: number;
  readonly #batches: BatchQueue;
  #closed = false;
  readonly #recent: RecentEntries;
  readonly #held: HeldEntries;
  readonly #sizeWatch: SizeWatch;
  /** The disk error, while the store cannot be written. */
  #fault: Error | undefined;
  /** The disk error, while what was held is being written. */
  #recovering: Error | undefined;
  /** The store could not be opened (a full disk at start-up): its old entries are read on recovery. */
  #unopened: boolean;
  #cancelRetry: (() => void) | undefined;
  #deleteTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called after entries become readable (the pump reads them then). */
  onAppend: () => void = () => {};
  /** Called when entries older than those handed out became readable (the pump starts over). */
  onRewind: () => void = () => {};
  /** Called with how many entries the bounds dropped. */
  onDrop: (count: number) => void = () => {};
  /** Called for every entry that leaves undelivered (the bounds, a newer snapshot, a full memory). */
  onDiscard: (kind: 'events' | 'snapshot', reason: DiscardReason, count: number) => void = () => {};
  /** Called when a background write (a delete) fails. */
  onError: (err: unknown) => void = () => {};
  /** Called when the store stops (an error) or starts again (undefined) taking writes. */
  onWritable: (fault: Error | undefined) => void = () => {};

  private constructor(
    private readonly db: Store,
    readonly limits: OutboxLimits,
    readonly dir: string,
    nextSeq: number,
    private readonly clock: Clock,
  ) {
    this.#ledger = new OutboxLedger(limits);
    this.#nextSeq = nextSeq;
    this.#recent = new RecentEntries(RECENT_BYTES, nextSeq);
    this.#held = new HeldEntries(limits.maxMessages);
    this.#unopened = false;
    this.#batches = new BatchQueue(
      (ops) => this.#commit(ops),
      (err) => this.onError(err),
    );
    const range = [keyOf(0), keyOf(Number.MAX_SAFE_INTEGER)] as const;
    const compactable = db as unknown as ConstructorParameters<typeof SizeWatch>[1];
    this.#sizeWatch = new SizeWatch(dir, compactable, limits.maxBytes, range, (err) => this.onError(err));
  }

  /**
   * Opens (or creates) the outbox in `dir`; throws EDGECAM_ERR_STATE_DIR when it cannot. A full
   * disk is no error: the outbox starts in memory and opens the store when there is room.
   */
  static async open(dir: string, limits: OutboxLimits, options: OutboxOptions = {}): Promise<Outbox> {
    const clock = options.clock ?? systemClock;
    const db = storeFor(dir, limits);
    try {
      await openStore(db);
    } catch (err) {
      if (!isDiskFull(err)) throw stateDirError(dir, err);
      // Sequence numbers above any an earlier run can have used (its entries are read later).
      const outbox = new Outbox(db, limits, dir, clock.now() * 1000, clock);
      outbox.#unopened = true;
      outbox.#unwritable(err as Error);
      return outbox;
    }
    const sizes = await readSizes(db);
    const outbox = new Outbox(db, limits, dir, (sizes.at(-1)?.seq ?? -1) + 1, clock);
    // A smaller bound than the last run's applies at once.
    outbox.#discard(outbox.#ledger.prepend(sizes));
    if (outbox.#batches.length > 0) await outbox.#batches.flush();
    return outbox;
  }

  /** Messages waiting. */
  get depth(): number {
    return this.#ledger.depth;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#ledger.bytes;
  }

  /** Messages the bounds dropped since open. */
  get dropped(): number {
    return this.#ledger.discarded.full;
  }

  /** Messages that left undelivered since open, by reason. */
  get discarded(): Readonly<Record<DiscardReason, number>> {
    return this.#ledger.discarded;
  }

  /** Why the store cannot be written now (a full disk), or undefined while it can. */
  get fault(): OutboxFault | undefined {
    const fault = this.#fault ?? this.#recovering;
    if (fault === undefined) return undefined;
    return { message: fault.message, held: this.#held.size };
  }

  /**
   * Appends a message; resolves with its seq once it is on disk (or, while the disk is full, held
   * in memory). A droppable message may be given up at once (the result is still its seq).
   */
  async append(message: OutboxMessage): Promise<number> {
    if (this.#closed) throw new EdgecamError('EDGECAM_ERR_ARGUMENT', `the outbox in ${this.dir} is closed`);
    const value = encodeEntry(message);
    const seq = this.#nextSeq++;
    const key = keyOf(seq);
    this.#discard(this.#ledger.add(seq, value.length, message.droppable === true, message.topic), seq);
    // Given up at once (a snapshot past its share): never written, so nothing to delete either.
    if (!this.#ledger.has(seq)) return seq;
    this.#batches.push({ type: 'put', key, value });
    await this.#batches.flush();
    return seq;
  }

  /** Up to `limit` readable entries after `seq` (all from the start when seq is -1), oldest first. */
  async readAfter(seq: number, limit: number): Promise<OutboxEntry[]> {
    if (this.#closed || limit <= 0) return [];
    // Until a store full at start-up opens, what an earlier run left cannot be read; what is in
    // memory goes meanwhile (the earlier entries follow once it opens: onRewind).
    if (this.#recent.covers(seq + 1) || this.#unopened)
      return entriesAfter(seq, limit, this.#recent.entries(), this.#held.entries());
    // Older entries are on disk only; while the store is closed (being reopened) they wait, and so
    // does everything after them.
    if (this.db.status !== 'open') return [];
    const rows = await this.db.iterator(seq < 0 ? { limit } : { gt: keyOf(seq), limit }).all();
    const entries: OutboxEntry[] = [];
    for (const [key, value] of rows) {
      const entrySeq = seqOf(key);
      // Removed in memory, its delete not yet written.
      if (this.#ledger.has(entrySeq)) entries.push(decodeEntry(entrySeq, value));
    }
    return entries;
  }

  /** The oldest seq still waiting, or undefined when empty. */
  get oldest(): number | undefined {
    return this.#ledger.oldest;
  }

  /** Whether `seq` is still waiting. */
  has(seq: number): boolean {
    return this.#ledger.has(seq);
  }

  /** Resolves when the look at the store's size in progress (and any compaction it started) is done. */
  sizeChecked(): Promise<void> {
    return this.#sizeWatch.idle();
  }

  /** Removes a delivered entry (written with the next batch; a lost delete only means a redelivery). */
  remove(seq: number): void {
    if (this.#closed || this.#ledger.remove(seq) === undefined) return;
    this.#drop(seq);
  }

  /** Writes what is pending (when the disk takes it) and closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#deleteTimer);
    this.#deleteTimer = undefined;
    this.#cancelRetry?.();
    await this.#batches.flush();
    await this.#batches.idle();
    this.#closed = true;
    if (this.db.status === 'open') await this.db.close();
  }

  /** Forgets a removed entry; one that is on disk gets its delete written later. */
  #drop(seq: number): void {
    // A held entry was never written: nothing to delete.
    if (this.#held.release(seq)) return;
    this.#recent.forget(seq);
    this.#batches.push({ type: 'del', key: keyOf(seq) });
    // Deletes wait up to DELETE_DELAY_MS, so that one write carries many (and the next append's
    // puts). A delete lost to a crash, or that fails, costs a duplicate delivery after a restart
    // (the event id lets subscribers drop it); a failure is reported, not thrown at the caller,
    // who has moved on.
    if (this.#deleteTimer !== undefined) return;
    this.#deleteTimer = setTimeout(() => {
      this.#deleteTimer = undefined;
      this.#batches.flush().catch((err: unknown) => this.onError(err));
    }, DELETE_DELAY_MS);
    this.#deleteTimer.unref();
  }

  /** Forgets and reports what the ledger let go (`unwritten`: a seq being appended, not yet queued). */
  #discard(gone: readonly Discard[], unwritten?: number): void {
    if (gone.length === 0) return;
    let full = 0;
    for (const d of gone) {
      if (d.seq !== unwritten) this.#drop(d.seq);
      this.onDiscard(d.droppable ? 'snapshot' : 'events', d.reason, 1);
      if (d.reason === 'full') full++;
    }
    if (full > 0) this.onDrop(full);
  }

  /**
   * Writes one batch, or holds it in memory while the disk is full; resolves with the error that
   * fails its appends when it could not be written for another reason.
   */
  async #commit(taken: readonly BatchOp[]): Promise<Error | undefined> {
    // Puts first: a put and the delete of the same (dropped) key may share a batch. Puts of
    // entries given up meanwhile (a snapshot a newer one replaced) are not written at all.
    const ops = taken
      .filter((op) => op.type === 'del' || this.#ledger.has(seqOf(op.key)))
      .sort((a, b) => (a.type === b.type ? 0 : a.type === 'put' ? -1 : 1));
    const error = await this.#write(ops);
    if (error !== undefined && isDiskFull(error)) this.#unwritable(error);
    if (this.#fault !== undefined) {
      this.#hold(ops);
      return undefined;
    }
    if (error !== undefined) return this.#failed(ops, error);
    this.#written(ops);
    return undefined;
  }

  /** Writes one batch; returns the error instead of throwing it (none while the disk is full). */
  async #write(ops: BatchOp[]): Promise<Error | undefined> {
    if (this.#fault !== undefined) return undefined;
    try {
      await this.db.batch(ops, { sync: ops.some((op) => op.type === 'put') });
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /** A batch is durable: its entries become readable, and the files' size is looked at now and then. */
  #written(ops: readonly BatchOp[]): void {
    let appended = 0;
    for (const op of ops) {
      if (op.type !== 'put') continue;
      appended += op.value.length;
      const seq = seqOf(op.key);
      if (this.#ledger.has(seq)) this.#recent.remember(seq, op.value);
    }
    if (appended === 0) return;
    this.onAppend();
    this.#sizeWatch.written(appended);
  }

  /** A batch failed for another reason than a full disk: its appends fail with EDGECAM_ERR_STATE_DIR. */
  #failed(ops: readonly BatchOp[], err: Error): Error {
    for (const op of ops) if (op.type === 'put') this.#ledger.remove(seqOf(op.key));
    return stateDirError(this.dir, err);
  }

  /** Keeps a batch the disk could not take in memory, within HELD_BYTES. */
  #hold(ops: readonly BatchOp[]): void {
    let appended = false;
    for (const op of ops) {
      const seq = seqOf(op.key);
      if (op.type === 'del') this.#held.holdDelete(op.key);
      else if (this.#ledger.has(seq)) {
        this.#held.hold(seq, op.value);
        appended = true;
      }
    }
    const bound = Math.min(HELD_BYTES, this.limits.maxBytes);
    while (this.#held.bytes > bound) {
      const gone = this.#ledger.discardOldestOf(this.#held.seqs());
      if (gone === undefined) break;
      this.#discard([gone]);
    }
    if (appended) this.onAppend();
  }

  /** The disk is full: hold what comes in memory and look again every RETRY_MS. */
  #unwritable(err: Error): void {
    if (this.#fault === undefined) {
      this.#fault = new Error(diskFullMessage(err), { cause: err });
      this.onWritable(this.#fault);
    }
    this.#cancelRetry ??= this.clock.setTimeout(() => {
      this.#cancelRetry = undefined;
      this.#recover().catch((error: unknown) => this.onError(error));
    }, RETRY_MS);
  }

  /**
   * Writes what is held once the disk has room. LevelDB keeps a failed write's error until the
   * store is reopened, so it is closed and opened again first.
   */
  async #recover(): Promise<void> {
    if (this.#closed) return;
    if ((await freeBytes(this.dir)) < this.#held.bytes + HEADROOM) return this.#unwritable(this.#fault!);
    await this.#batches.idle();
    try {
      if (this.db.status === 'open') await this.db.close();
      await openStore(this.db);
      if (this.#unopened) await this.#readEarlierRun();
    } catch (err) {
      if (this.db.status === 'open') await this.db.close();
      if (!isDiskFull(err)) this.onError(stateDirError(this.dir, err));
      return this.#unwritable(this.#fault!);
    }
    // Held entries first, in order, then whatever came in meanwhile.
    const held = this.#held.take();
    const puts: BatchOp[] = held.entries.map((e) => ({
      type: 'put',
      key: keyOf(e.seq),
      value: encodeEntry(e),
    }));
    const dels: BatchOp[] = held.deletes.map((key) => ({ type: 'del', key }));
    this.#batches.surround(puts, dels);
    // Still reported until what was held is written.
    const fault = this.#fault;
    this.#fault = undefined;
    this.#recovering = fault;
    await this.#batches.flush();
    this.#recovering = undefined;
    if (this.#fault === undefined) this.onWritable(undefined);
  }

  /** The store opened at last after a full-disk start: what an earlier run left goes first. */
  async #readEarlierRun(): Promise<void> {
    this.#unopened = false;
    const sizes = await readSizes(this.db);
    if (sizes.length === 0) return;
    this.#discard(this.#ledger.prepend(sizes));
    this.onRewind();
  }
}
