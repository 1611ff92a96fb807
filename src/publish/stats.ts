import type { DiscardReason } from './outbox-ledger.js';

/**
 * What the publisher reports as it works, for metrics: the health stage's prom-client counters
 * fit this shape (health/metrics.ts publishStats), and the default does nothing.
 */

/** The kinds of message edgecam publishes, one label value each. */
export type MessageKind =
  | 'detections'
  | 'classification'
  | 'events'
  | 'edges'
  | 'snapshot'
  | 'health'
  | 'state'
  | 'motion'
  | 'status'
  | 'discovery';

/** Why a message was not published: no connection, the window was full, the broker refused it, an error. */
export type FailReason = 'offline' | 'backpressure' | 'rejected' | 'error';

export interface PublishStats {
  connected(up: boolean): void;
  published(kind: MessageKind): void;
  failed(kind: MessageKind, reason: FailReason): void;
  /** The outbox now holds `depth` messages, `bytes` bytes. */
  outbox(depth: number, bytes: number): void;
  /** The outbox bounds dropped `count` messages. */
  outboxDropped(count: number): void;
  /** A command was applied, or rejected as invalid. */
  command(accepted: boolean): void;
  /** `count` commands were replaced by a later one for the same camera and setting before they applied. */
  commandsCoalesced(count: number): void;
  /** The outbox let `count` messages of `kind` go undelivered, for `reason` (outbox-ledger.ts). */
  outboxRefused(kind: 'events' | 'snapshot', reason: DiscardReason, count: number): void;
}

/** Stats that go nowhere (a disabled feature is a no-op, not an `if` on the hot path). */
export const noStats: PublishStats = {
  connected() {},
  published() {},
  failed() {},
  outbox() {},
  outboxDropped() {},
  command() {},
  commandsCoalesced() {},
  outboxRefused() {},
};
