import type { Outbox, OutboxEntry } from './outbox.js';

/**
 * Delivers the outbox in order through a bounded window of unacknowledged QoS 1 publishes: an
 * entry leaves the outbox only when the broker has acknowledged it (PUBACK), never when it was
 * merely written to a socket. A bounded window, because brokers do not queue without bound
 * (mosquitto's max_queued_messages, 1000 by default, drops QoS 1 messages past it) and because
 * mqtt.js adds a listener per publish when it cannot write.
 */

/** Publishes one entry at QoS 1 and calls back on PUBACK (or with the error). */
export type SendEntry = (entry: OutboxEntry, done: (err?: Error) => void) => void;

export interface PumpHooks {
  /** An entry was acknowledged. */
  readonly delivered?: (entry: OutboxEntry) => void;
  /** The broker refused an entry for good (an MQTT 5 reason code >= 0x80): dropped, reported here. */
  readonly rejected?: (entry: OutboxEntry, err: Error) => void;
  /** Reading the outbox failed. */
  readonly error?: (err: unknown) => void;
}

/** An MQTT 5 PUBACK reason code, which mqtt.js puts on the error as a number `code`. */
function reasonCode(err: Error): number | undefined {
  const { code } = err as { code?: unknown };
  return typeof code === 'number' && code >= 0x80 ? code : undefined;
}

/**
 * Pumps an Outbox into a sender while resumed (connected).
 * @example const pump = new OutboxPump(outbox, send, 64); client.on('connect', () => pump.resume(send))
 */
export class OutboxPump {
  #send: SendEntry | undefined;
  /** The last seq handed to the sender in this connection; -1 before any. */
  #cursor = -1;
  #inflight = new Set<number>();
  #generation = 0;
  #running = false;
  #again = false;
  #idleWaiters: (() => void)[] = [];

  constructor(
    private readonly outbox: Outbox,
    readonly window: number,
    private readonly hooks: PumpHooks = {},
  ) {
    outbox.onAppend = () => this.#kick();
    outbox.onRewind = () => this.rewind();
  }

  /** Unacknowledged publishes now. */
  get inflight(): number {
    return this.#inflight.size;
  }

  /** Starts (or restarts, after a reconnect) delivering from the oldest entry through `send`. */
  resume(send: SendEntry): void {
    this.#generation++;
    this.#send = send;
    this.#inflight.clear();
    this.#cursor = -1;
    this.#kick();
  }

  /**
   * Goes through the outbox from the oldest entry again, past those in flight (entries older than
   * those handed out became readable: an earlier run's, once a disk full at start-up opened).
   */
  rewind(): void {
    this.#cursor = -1;
    this.#kick();
  }

  /**
   * Stops handing out entries (the connection is gone). What was in flight stays in the outbox and
   * goes again, in order, after resume; a PUBACK that still arrives for it removes it.
   */
  pause(): void {
    this.#generation++;
    this.#send = undefined;
    this.#inflight.clear();
  }

  /** Resolves when the outbox is empty (everything acknowledged). */
  idle(): Promise<void> {
    if (this.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #kick(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#pump()
      .catch((err: unknown) => this.hooks.error?.(err))
      .finally(() => {
        this.#running = false;
        // A kick between the loop's last check and here would otherwise be lost.
        if (this.#again) this.#kick();
      });
  }

  async #pump(): Promise<void> {
    do {
      this.#again = false;
      while (this.#send !== undefined && this.#inflight.size < this.window) {
        const generation = this.#generation;
        const entries = await this.outbox.readAfter(this.#cursor, this.window - this.#inflight.size);
        // A disconnect (or reconnect) while reading: this batch belongs to the old connection.
        if (generation !== this.#generation) {
          this.#again = true;
          break;
        }
        if (entries.length === 0) break;
        const send = this.#send;
        for (const entry of entries) {
          this.#cursor = entry.seq;
          if (this.#inflight.has(entry.seq)) continue;
          this.#inflight.add(entry.seq);
          send(entry, (err) => this.#settled(entry, generation, err));
        }
      }
    } while (this.#again);
    this.#notifyIdle();
  }

  #settled(entry: OutboxEntry, generation: number, err: Error | undefined): void {
    if (err === undefined) {
      this.outbox.remove(entry.seq);
      this.hooks.delivered?.(entry);
    } else if (reasonCode(err) !== undefined) {
      this.outbox.remove(entry.seq);
      this.hooks.rejected?.(entry, err);
    } else if (generation === this.#generation) {
      // Not acknowledged on a live connection (mqtt.js gave up on it): send it again from here.
      this.#cursor = Math.min(this.#cursor, entry.seq - 1);
    }
    if (generation === this.#generation) this.#inflight.delete(entry.seq);
    this.#notifyIdle();
    this.#kick();
  }

  #notifyIdle(): void {
    if (this.outbox.depth > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const done of waiters) done();
  }
}
