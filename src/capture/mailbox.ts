/**
 * A one-slot mailbox between a producer that must never wait (a camera) and a consumer that
 * may be slow (inference): the newest item wins, the one it replaces is dropped and counted.
 * Nothing ever queues beyond one item.
 * @example const box = new LatestMailbox<Frame>(); box.put(frame); const next = await box.take(signal);
 */
export class LatestMailbox<T> {
  #slot: T | undefined;
  #waiter: ((item: T | undefined) => void) | undefined;
  #closed = false;
  #dropped = 0;
  #emptied: (() => void)[] = [];

  /** Items replaced before anyone took them. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True when an item waits to be taken. */
  get full(): boolean {
    return this.#slot !== undefined;
  }

  /** Offers an item: hands it to a waiting taker, or replaces (and counts) the one waiting. */
  put(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter(item);
      return;
    }
    if (this.#slot !== undefined) this.#dropped++;
    this.#slot = item;
  }

  /** The waiting item, or the next one put; undefined once closed or when `signal` aborts. */
  take(signal?: AbortSignal): Promise<T | undefined> {
    const item = this.#slot;
    if (item !== undefined) {
      this.#slot = undefined;
      this.#notifyEmpty();
      return Promise.resolve(item);
    }
    if (this.#closed || signal?.aborted) return Promise.resolve(undefined);
    if (this.#waiter !== undefined) throw new Error('LatestMailbox has one taker at a time');
    return new Promise((resolve) => {
      const onAbort = () => {
        if (this.#waiter === settle) this.#waiter = undefined;
        resolve(undefined);
      };
      const settle = (value: T | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      this.#waiter = settle;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves when the slot is empty: at once, or when the item waiting is taken or the mailbox closes. */
  whenEmpty(): Promise<void> {
    if (this.#slot === undefined || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#emptied.push(resolve));
  }

  #notifyEmpty(): void {
    const waiting = this.#emptied;
    this.#emptied = [];
    for (const resolve of waiting) resolve();
  }

  /**
   * Ends the mailbox: a waiting taker gets undefined, later puts are ignored. With `keepLast`
   * the item waiting is still handed out (the last frame of a file).
   */
  close(options: { keepLast?: boolean } = {}): void {
    this.#closed = true;
    if (options.keepLast !== true) this.#slot = undefined;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(undefined);
    this.#notifyEmpty();
  }
}
