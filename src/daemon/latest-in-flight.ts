/**
 * Runs async work one at a time, latest wins: a value offered while one runs waits in a single
 * slot (replacing any value waiting there), and runs when the one in flight ends. However often
 * values come, at most one is in flight and one waits, so memory stays bounded.
 * @example const snapshots = new LatestInFlight((s) => encodeAndPublish(s), logError); snapshots.offer(latest)
 */
export class LatestInFlight<T> {
  #running = false;
  #waiting: { value: T } | undefined;
  /** Values replaced before they ran. */
  #replaced = 0;

  /**
   * @param run the work
   * @param failed hears a run's rejection (the next value runs either way)
   * @param replacedOne hears each value replaced before it ran (for a metric)
   */
  constructor(
    private readonly run: (value: T) => Promise<void>,
    private readonly failed: (err: unknown) => void,
    private readonly replacedOne: () => void = () => {},
  ) {}

  /** Values replaced while waiting, since start. */
  get replaced(): number {
    return this.#replaced;
  }

  /** Whether work is in flight. */
  get busy(): boolean {
    return this.#running;
  }

  /** Runs `value` now when idle, or after the one in flight (in place of any waiting value). */
  offer(value: T): void {
    if (this.#running) {
      if (this.#waiting !== undefined) {
        this.#replaced++;
        this.replacedOne();
      }
      this.#waiting = { value };
      return;
    }
    this.#start(value);
  }

  #start(value: T): void {
    this.#running = true;
    void this.run(value)
      .catch(this.failed)
      .finally(() => {
        this.#running = false;
        const next = this.#waiting;
        this.#waiting = undefined;
        if (next !== undefined) this.#start(next.value);
      });
  }
}
