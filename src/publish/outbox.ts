import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import { EdgecamError } from '../errors.js';

/**
 * The persistent outbox: an ordered, bounded queue of MQTT messages on disk (LevelDB through
 * `level`, whose writes survive a kill -9, and with sync writes a power cut). Events and snapshots
 * wait here until the broker acknowledges them (outbox-pump.ts), so a broker outage or a restart
 * loses nothing; past maxMessages or maxBytes the oldest are dropped and counted.
 *
 * Keys are a monotonic sequence number (16 hex digits, so key order is number order); a value is
 * [flags u8][topic length u16][topic][payload]. Appends made while a write is in progress go
 * together in the next batch: one fsync for many events. What this process appended stays in
 * memory too (up to RECENT_BYTES) until it is removed, so the pump reads new entries without a
 * trip through LevelDB; entries from before a restart, or past that bound, are read from disk.
 */

/** Bytes of entries written by this process that are also kept in memory for readAfter. */
const RECENT_BYTES = 8 << 20;

/** How long a delete waits to share its write with other deletes and the next append's batch. */
export const DELETE_DELAY_MS = 200;

export interface OutboxMessage {
  readonly topic: string;
  readonly payload: Buffer | string;
  readonly retain: boolean;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  /** Bytes on disk. */
  readonly size: number;
}

export interface OutboxLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

type BatchOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

const RETAIN = 1;

const keyOf = (seq: number) => seq.toString(16).padStart(16, '0');

function encode(message: OutboxMessage): Buffer {
  const topic = Buffer.from(message.topic, 'utf8');
  const payload =
    typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : message.payload;
  const value = Buffer.allocUnsafe(3 + topic.length + payload.length);
  value[0] = message.retain ? RETAIN : 0;
  value.writeUInt16BE(topic.length, 1);
  topic.copy(value, 3);
  payload.copy(value, 3 + topic.length);
  return value;
}

function decode(seq: number, value: Buffer): OutboxEntry {
  const topicLength = value.readUInt16BE(1);
  return {
    seq,
    topic: value.toString('utf8', 3, 3 + topicLength),
    payload: value.subarray(3 + topicLength),
    retain: (value[0]! & RETAIN) !== 0,
    size: value.length,
  };
}

/**
 * A bounded persistent FIFO of MQTT messages under a directory.
 * @example const outbox = await Outbox.open('.edgecam/outbox', { maxMessages: 10000, maxBytes: 64 << 20 })
 */
export class Outbox {
  /** Seq -> size of every entry not yet removed, oldest first (Map keeps insertion order). */
  readonly #sizes = new Map<number, number>();
  #bytes = 0;
  #dropped = 0;
  #nextSeq: number;
  #pending: BatchOp[] = [];
  #waiters: (() => void)[] = [];
  #failers: ((err: unknown) => void)[] = [];
  #writing: Promise<void> | undefined;
  #closed = false;
  /** Written (durable) entries of this process still waiting, oldest first, at most RECENT_BYTES. */
  readonly #recent = new Map<number, OutboxEntry>();
  #recentBytes = 0;
  /** Every entry waiting from this seq on is in #recent once written; older ones are on disk only. */
  #recentFrom: number;
  #deleteTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called after entries become durable (the pump reads them then). */
  onAppend: () => void = () => {};
  /** Called with how many entries the bounds dropped. */
  onDrop: (count: number) => void = () => {};
  /** Called when a background write (a delete) fails. */
  onError: (err: unknown) => void = () => {};

  private constructor(
    private readonly db: Level<string, Buffer>,
    readonly limits: OutboxLimits,
    readonly dir: string,
    nextSeq: number,
  ) {
    this.#nextSeq = nextSeq;
    this.#recentFrom = nextSeq;
  }

  /** Opens (or creates) the outbox in `dir`; throws EDGECAM_ERR_STATE_DIR when it cannot. */
  static async open(dir: string, limits: OutboxLimits): Promise<Outbox> {
    const db = new Level<string, Buffer>(dir, { keyEncoding: 'utf8', valueEncoding: 'buffer' });
    try {
      await mkdir(dir, { recursive: true });
      await db.open();
    } catch (err) {
      throw stateDirError(dir, err);
    }
    let last = -1;
    const sizes: [number, number][] = [];
    for await (const [key, value] of db.iterator()) {
      last = Number.parseInt(key, 16);
      sizes.push([last, value.length]);
    }
    const outbox = new Outbox(db, limits, dir, last + 1);
    for (const [seq, size] of sizes) outbox.#track(seq, size);
    // A smaller bound than the last run's applies at once.
    outbox.#enforceBounds();
    if (outbox.#pending.length > 0) await outbox.#flush();
    return outbox;
  }

  /** Messages waiting. */
  get depth(): number {
    return this.#sizes.size;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages dropped by the bounds since open. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends a message; resolves with its seq once it is on disk. */
  async append(message: OutboxMessage): Promise<number> {
    if (this.#closed) throw new EdgecamError('EDGECAM_ERR_ARGUMENT', `the outbox in ${this.dir} is closed`);
    const value = encode(message);
    const seq = this.#nextSeq++;
    this.#pending.push({ type: 'put', key: keyOf(seq), value });
    this.#track(seq, value.length);
    this.#enforceBounds();
    await this.#flush();
    return seq;
  }

  /** Up to `limit` written entries after `seq` (all from the start when seq is -1), oldest first. */
  async readAfter(seq: number, limit: number): Promise<OutboxEntry[]> {
    if (this.#closed || limit <= 0) return [];
    if (seq + 1 >= this.#recentFrom) {
      const entries: OutboxEntry[] = [];
      for (const entry of this.#recent.values()) {
        if (entries.length === limit) break;
        if (entry.seq > seq) entries.push(entry);
      }
      return entries;
    }
    const rows = await this.db.iterator(seq < 0 ? { limit } : { gt: keyOf(seq), limit }).all();
    const entries: OutboxEntry[] = [];
    for (const [key, value] of rows) {
      const entrySeq = Number.parseInt(key, 16);
      // Removed in memory, its delete not yet written.
      if (this.#sizes.has(entrySeq)) entries.push(decode(entrySeq, value));
    }
    return entries;
  }

  /** The oldest seq still waiting, or undefined when empty. */
  get oldest(): number | undefined {
    return this.#sizes.keys().next().value;
  }

  /** Whether `seq` is still waiting. */
  has(seq: number): boolean {
    return this.#sizes.has(seq);
  }

  /** Removes a delivered entry (written with the next batch; a lost delete only means a redelivery). */
  remove(seq: number): void {
    const size = this.#sizes.get(seq);
    if (size === undefined || this.#closed) return;
    this.#sizes.delete(seq);
    this.#bytes -= size;
    this.#forget(seq);
    this.#pending.push({ type: 'del', key: keyOf(seq) });
    // Deletes wait up to DELETE_DELAY_MS, so that one write carries many (and the next append's
    // puts). A delete lost to a crash, or that fails, costs a duplicate delivery after a restart
    // (the event id lets subscribers drop it); a failure is reported, not thrown at the caller,
    // who has moved on.
    if (this.#deleteTimer !== undefined) return;
    this.#deleteTimer = setTimeout(() => {
      this.#deleteTimer = undefined;
      this.#flush().catch((err: unknown) => this.onError(err));
    }, DELETE_DELAY_MS);
    this.#deleteTimer.unref();
  }

  /** Writes what is pending and closes the store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#deleteTimer);
    this.#deleteTimer = undefined;
    await this.#flush();
    await this.#writing;
    this.#closed = true;
    await this.db.close();
  }

  #track(seq: number, size: number): void {
    this.#sizes.set(seq, size);
    this.#bytes += size;
  }

  /** Keeps a written entry in memory for readAfter, if it is still waiting. */
  #remember(seq: number, value: Buffer): void {
    if (!this.#sizes.has(seq)) return;
    this.#recent.set(seq, decode(seq, value));
    this.#recentBytes += value.length;
    // Past the bound the oldest go to disk only, and so does every entry before them.
    for (const [old, entry] of this.#recent) {
      if (this.#recentBytes <= RECENT_BYTES) break;
      this.#recent.delete(old);
      this.#recentBytes -= entry.size;
      this.#recentFrom = old + 1;
    }
  }

  #forget(seq: number): void {
    const entry = this.#recent.get(seq);
    if (entry === undefined) return;
    this.#recent.delete(seq);
    this.#recentBytes -= entry.size;
  }

  #enforceBounds(): void {
    let dropped = 0;
    while (
      this.#sizes.size > this.limits.maxMessages ||
      (this.#bytes > this.limits.maxBytes && this.#sizes.size > 0)
    ) {
      const [seq, size] = this.#sizes.entries().next().value as [number, number];
      this.#sizes.delete(seq);
      this.#bytes -= size;
      this.#forget(seq);
      this.#pending.push({ type: 'del', key: keyOf(seq) });
      dropped++;
    }
    if (dropped > 0) {
      this.#dropped += dropped;
      this.onDrop(dropped);
    }
  }

  /** Resolves when everything pending now is written; one batch in flight at a time. */
  #flush(): Promise<void> {
    // Nothing to write and nothing being written. (A write loop started with nothing pending
    // would end before `??=` below stored it, and that finished loop would then block every later
    // flush.)
    if (this.#pending.length === 0 && this.#writing === undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push(resolve);
      this.#failers.push(reject);
      this.#writing ??= this.#writeLoop();
    });
  }

  async #writeLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const ops = this.#pending;
      const waiters = this.#waiters;
      const failers = this.#failers;
      this.#pending = [];
      this.#waiters = [];
      this.#failers = [];
      // Puts first: a put and the delete of the same (dropped) key may share a batch.
      ops.sort((a, b) => (a.type === b.type ? 0 : a.type === 'put' ? -1 : 1));
      try {
        await this.db.batch(ops, { sync: ops.some((op) => op.type === 'put') });
      } catch (err) {
        for (const op of ops) {
          if (op.type !== 'put') continue;
          const seq = Number.parseInt(op.key, 16);
          const size = this.#sizes.get(seq);
          if (size === undefined) continue;
          this.#sizes.delete(seq);
          this.#bytes -= size;
        }
        const error = stateDirError(this.dir, err);
        for (const fail of failers) fail(error);
        // Deletes alone have no caller waiting.
        if (failers.length === 0) this.onError(error);
        continue;
      }
      let appended = false;
      for (const op of ops) {
        if (op.type !== 'put') continue;
        appended = true;
        this.#remember(Number.parseInt(op.key, 16), op.value);
      }
      for (const done of waiters) done();
      if (appended) this.onAppend();
    }
    // Waiters that arrived with nothing left to write (a remove of an unknown seq).
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#failers = [];
    this.#writing = undefined;
    for (const done of waiters) done();
  }
}

function stateDirError(dir: string, err: unknown): EdgecamError {
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
