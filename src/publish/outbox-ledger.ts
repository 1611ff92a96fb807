/**
 * What waits in the outbox, in memory, and which entries must go to keep its bounds. Events come
 * first: droppable entries (snapshots) get at most a quarter of the bounds, a newer one on the
 * same topic replaces the older (the topic is retained: only the latest counts), and when the
 * outbox is full they go, oldest first, before any event does. An event is dropped only when
 * events alone fill the outbox. No I/O here: the outbox writes what this decides.
 */

export interface OutboxLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/**
 * Why an entry left the outbox undelivered: a newer droppable one on its topic replaced it
 * (superseded), the droppable share was full (budget), the outbox was full (full), or the disk
 * could not be written and the memory that holds entries meanwhile was full (memory).
 */
export type DiscardReason = 'superseded' | 'budget' | 'full' | 'memory';

/** An entry the ledger let go, and why. */
export interface Discard {
  readonly seq: number;
  readonly droppable: boolean;
  readonly reason: DiscardReason;
}

interface Slot {
  readonly size: number;
  readonly droppable: boolean;
  readonly topic: string;
}

/** The share of each bound that droppable entries may use. */
const DROPPABLE_SHARE = 4;

/**
 * The waiting entries, oldest first, with their sizes and kinds.
 * @example const gone = ledger.add(seq, size, true, topic) // what the bounds removed (maybe the new one)
 */
export class OutboxLedger {
  /** Every waiting entry, oldest first (a Map keeps insertion order). */
  #all = new Map<number, Slot>();
  /** The droppable ones, oldest first. */
  #droppable = new Map<number, Slot>();
  #droppableByTopic = new Map<string, number>();
  #bytes = 0;
  #droppableBytes = 0;
  readonly #budget: OutboxLimits;
  /** Entries let go since start, by reason. */
  readonly #counts: Record<DiscardReason, number> = { superseded: 0, budget: 0, full: 0, memory: 0 };

  constructor(readonly limits: OutboxLimits) {
    this.#budget = {
      maxMessages: Math.max(1, Math.floor(limits.maxMessages / DROPPABLE_SHARE)),
      maxBytes: Math.floor(limits.maxBytes / DROPPABLE_SHARE),
    };
  }

  /** Entries let go since start, by reason. */
  get discarded(): Readonly<Record<DiscardReason, number>> {
    return { ...this.#counts };
  }

  get depth(): number {
    return this.#all.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The oldest seq waiting, or undefined. */
  get oldest(): number | undefined {
    return this.#all.keys().next().value;
  }

  has(seq: number): boolean {
    return this.#all.has(seq);
  }

  /** Whether `seq` waits and may be given up. */
  droppable(seq: number): boolean {
    return this.#all.get(seq)?.droppable ?? false;
  }

  /** Adds the newest entry; returns what the bounds removed to make room (it may be this one). */
  add(seq: number, size: number, droppable: boolean, topic: string): Discard[] {
    // One larger than the whole share is refused before it makes others go.
    if (droppable && size > this.#budget.maxBytes) {
      this.#counts.budget++;
      return [{ seq, droppable, reason: 'budget' }];
    }
    const gone: Discard[] = [];
    this.#insert(seq, { size, droppable, topic }, gone);
    gone.push(...this.enforce());
    return gone;
  }

  /**
   * Puts entries older than every waiting one in front of them (the entries of an earlier run,
   * read once a disk that was full at start-up can be opened); returns what the bounds removed.
   */
  prepend(entries: Iterable<{ seq: number; size: number; droppable: boolean; topic: string }>): Discard[] {
    const newer = [...this.#all];
    this.#clear();
    const gone: Discard[] = [];
    for (const e of entries)
      this.#insert(e.seq, { size: e.size, droppable: e.droppable, topic: e.topic }, gone);
    for (const [seq, slot] of newer) this.#insert(seq, slot, gone);
    gone.push(...this.enforce());
    return gone;
  }

  /** Removes what the bounds do not allow: droppable ones past their share, then the oldest. */
  enforce(): Discard[] {
    const gone: Discard[] = [];
    const budget = this.#budget;
    while (this.#droppable.size > budget.maxMessages || this.#droppableBytes > budget.maxBytes) {
      gone.push(this.#discard(this.#droppable.keys().next().value as number, 'budget'));
    }
    while (this.#all.size > this.limits.maxMessages || this.#bytes > this.limits.maxBytes) {
      const victim = this.#droppable.keys().next().value ?? (this.#all.keys().next().value as number);
      gone.push(this.#discard(victim, 'full'));
    }
    return gone;
  }

  /**
   * Removes the oldest of `among` (entries held in memory, oldest first), droppable ones first,
   * because the memory that holds them is full; undefined when `among` is empty.
   */
  discardOldestOf(among: Iterable<number>): Discard | undefined {
    let first: number | undefined;
    for (const seq of among) {
      first ??= seq;
      if (this.droppable(seq)) return this.#discard(seq, 'memory');
    }
    return first === undefined ? undefined : this.#discard(first, 'memory');
  }

  /** Removes a delivered entry; returns its size, or undefined when it was not waiting. */
  remove(seq: number): number | undefined {
    const slot = this.#all.get(seq);
    if (slot === undefined) return undefined;
    this.#all.delete(seq);
    this.#bytes -= slot.size;
    if (slot.droppable) {
      this.#droppable.delete(seq);
      this.#droppableBytes -= slot.size;
      if (this.#droppableByTopic.get(slot.topic) === seq) this.#droppableByTopic.delete(slot.topic);
    }
    return slot.size;
  }

  #discard(seq: number, reason: DiscardReason): Discard {
    const droppable = this.droppable(seq);
    this.remove(seq);
    this.#counts[reason]++;
    return { seq, droppable, reason };
  }

  /** Adds the newest entry; a droppable one replaces the older one on its topic (into `gone`). */
  #insert(seq: number, slot: Slot, gone: Discard[]): void {
    if (slot.droppable) {
      const older = this.#droppableByTopic.get(slot.topic);
      if (older !== undefined) gone.push(this.#discard(older, 'superseded'));
    }
    this.#all.set(seq, slot);
    this.#bytes += slot.size;
    if (!slot.droppable) return;
    this.#droppable.set(seq, slot);
    this.#droppableBytes += slot.size;
    this.#droppableByTopic.set(slot.topic, seq);
  }

  #clear(): void {
    this.#all = new Map();
    this.#droppable = new Map();
    this.#droppableByTopic = new Map();
    this.#bytes = 0;
    this.#droppableBytes = 0;
  }
}
