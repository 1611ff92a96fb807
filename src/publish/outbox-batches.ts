/** One write of the outbox's LevelDB store. */
export type BatchOp = { type: 'put'; key: string; value: Buffer } | { type: 'del'; key: string };

/**
 * The outbox's writes, grouped: ops queued while a batch is being written go together in the
 * next one (one fsync for many events), and one batch is in flight at a time. `commit` writes a
 * batch and resolves with an error when it failed; that error rejects the flushes that waited for
 * the batch, or goes to `unclaimed` when none did (deletes alone have no caller waiting).
 * @example const batches = new BatchQueue((ops) => write(ops), (err) => log(err)); batches.push(op); await batches.flush()
 */
export class BatchQueue {
  #pending: BatchOp[] = [];
  #waiters: (() => void)[] = [];
  #failers: ((err: unknown) => void)[] = [];
  #writing: Promise<void> | undefined;

  constructor(
    private readonly commit: (ops: BatchOp[]) => Promise<Error | undefined>,
    private readonly unclaimed: (err: Error) => void,
  ) {}

  /** Ops queued and not yet taken into a batch. */
  get length(): number {
    return this.#pending.length;
  }

  push(op: BatchOp): void {
    this.#pending.push(op);
  }

  /** Queues `before` ahead of what is queued, and `after` behind it. */
  surround(before: readonly BatchOp[], after: readonly BatchOp[]): void {
    this.#pending = [...before, ...this.#pending, ...after];
  }

  /** Resolves when everything queued now is committed; rejects with the error of a failed batch. */
  flush(): Promise<void> {
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

  /** Resolves when no batch is being written. */
  async idle(): Promise<void> {
    await this.#writing;
  }

  async #writeLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const taken = this.#pending;
      const waiters = this.#waiters;
      const failers = this.#failers;
      this.#pending = [];
      this.#waiters = [];
      this.#failers = [];
      const error = await this.commit(taken);
      if (error === undefined) {
        for (const done of waiters) done();
        continue;
      }
      for (const fail of failers) fail(error);
      if (failers.length === 0) this.unclaimed(error);
    }
    // Waiters that arrived with nothing left to write (a remove of an unknown seq).
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#failers = [];
    this.#writing = undefined;
    for (const done of waiters) done();
  }
}
