/**
 * How one outbox entry is stored: the key is its sequence number (16 hex digits, so key order is
 * number order), the value is [flags u8][topic length u16][topic][payload].
 */

export interface OutboxMessage {
  readonly topic: string;
  readonly payload: Buffer | string;
  readonly retain: boolean;
  /**
   * May be given up to keep the events (a snapshot): it has its own, smaller share of the bounds,
   * goes before any event when the outbox is full, and a newer one on the same topic replaces it.
   */
  readonly droppable?: boolean;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  readonly droppable: boolean;
  /** Bytes on disk. */
  readonly size: number;
}

const RETAIN = 1;
const DROPPABLE = 2;

/** The store key of a sequence number. */
export const keyOf = (seq: number): string => seq.toString(16).padStart(16, '0');

/** The sequence number of a store key. */
export const seqOf = (key: string): number => Number.parseInt(key, 16);

/** A message as the store keeps it. */
export function encodeEntry(message: OutboxMessage): Buffer {
  const topic = Buffer.from(message.topic, 'utf8');
  const payload =
    typeof message.payload === 'string' ? Buffer.from(message.payload, 'utf8') : message.payload;
  const value = Buffer.allocUnsafe(3 + topic.length + payload.length);
  value[0] = (message.retain ? RETAIN : 0) | (message.droppable === true ? DROPPABLE : 0);
  value.writeUInt16BE(topic.length, 1);
  topic.copy(value, 3);
  payload.copy(value, 3 + topic.length);
  return value;
}

/** A stored value read back (its payload is a view into `value`). */
export function decodeEntry(seq: number, value: Buffer): OutboxEntry {
  const topicLength = value.readUInt16BE(1);
  return {
    seq,
    topic: value.toString('utf8', 3, 3 + topicLength),
    payload: value.subarray(3 + topicLength),
    retain: (value[0]! & RETAIN) !== 0,
    droppable: (value[0]! & DROPPABLE) !== 0,
    size: value.length,
  };
}
