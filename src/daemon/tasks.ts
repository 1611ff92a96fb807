import type { Logger } from 'pino';

/**
 * Background work the daemon starts without waiting for it (an image encode, a snapshot), kept
 * in a set so that none is fire-and-forget: a failure is logged, and stop() waits for the rest.
 * @example tasks.run('snapshot', publishSnapshot()); await tasks.idle()
 */
export class Tasks {
  readonly #pending = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  /** Tracks `work`; a rejection is logged with `what`. */
  run(what: string, work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      (err: unknown) => this.logger.error({ err }, `${what} failed`),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Resolves when everything tracked so far has settled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
