import { describe, expect, it } from 'vitest';
import { OutboxLedger } from '../../../src/publish/outbox-ledger.js';

// The outbox's bookkeeping: events first, snapshots in their own share, the latest snapshot wins.
describe('OutboxLedger', () => {
  it('replaces a waiting snapshot with a newer one on the same topic', () => {
    const ledger = new OutboxLedger({ maxMessages: 100, maxBytes: 1 << 20 });
    expect(ledger.add(0, 10, true, 'a/snapshot')).toEqual([]);
    expect(ledger.add(1, 10, true, 'b/snapshot')).toEqual([]);
    expect(ledger.add(2, 10, true, 'a/snapshot')).toEqual([
      { seq: 0, droppable: true, reason: 'superseded' },
    ]);
    expect(ledger.depth).toBe(2);
    expect(ledger.bytes).toBe(20);
  });

  it('gives snapshots a quarter of the bounds, and refuses one larger than that', () => {
    const ledger = new OutboxLedger({ maxMessages: 8, maxBytes: 1000 });
    ledger.add(0, 100, true, 'a/snapshot');
    ledger.add(1, 100, true, 'b/snapshot');
    expect(ledger.add(2, 100, true, 'c/snapshot')).toEqual([{ seq: 0, droppable: true, reason: 'budget' }]);
    expect(ledger.add(3, 300, true, 'd/snapshot')).toEqual([{ seq: 3, droppable: true, reason: 'budget' }]);
    expect(ledger.has(3)).toBe(false);
  });

  it('when full, lets every snapshot go before any event, and an event only for events', () => {
    const ledger = new OutboxLedger({ maxMessages: 8, maxBytes: 1 << 20 });
    ledger.add(0, 10, true, 'a/snapshot');
    ledger.add(1, 10, true, 'b/snapshot');
    for (let seq = 2; seq < 8; seq++) expect(ledger.add(seq, 10, false, 'a/events')).toEqual([]);
    expect(ledger.add(8, 10, false, 'a/events')).toEqual([{ seq: 0, droppable: true, reason: 'full' }]);
    // A snapshot never pushes out an event: it goes itself.
    expect(ledger.add(9, 10, true, 'c/snapshot')).toEqual([{ seq: 1, droppable: true, reason: 'full' }]);
    expect(ledger.add(10, 10, true, 'd/snapshot')).toEqual([{ seq: 9, droppable: true, reason: 'full' }]);
    expect(ledger.add(11, 10, false, 'a/events')).toEqual([{ seq: 10, droppable: true, reason: 'full' }]);
    expect(ledger.add(12, 10, false, 'a/events')).toEqual([{ seq: 2, droppable: false, reason: 'full' }]);
    expect(ledger.depth).toBe(8);
  });

  it('puts an earlier run’s entries first, and the oldest of the held ones goes, snapshots first', () => {
    const ledger = new OutboxLedger({ maxMessages: 100, maxBytes: 1 << 20 });
    ledger.add(1000, 10, false, 'a/events');
    ledger.add(1001, 10, true, 'a/snapshot');
    expect(
      ledger.prepend([
        { seq: 0, size: 10, droppable: false, topic: 'a/events' },
        { seq: 1, size: 10, droppable: true, topic: 'a/snapshot' },
      ]),
    ).toEqual([{ seq: 1, droppable: true, reason: 'superseded' }]);
    expect(ledger.oldest).toBe(0);
    expect(ledger.discardOldestOf([1000, 1001])).toEqual({ seq: 1001, droppable: true, reason: 'memory' });
    expect(ledger.discardOldestOf([1000])).toEqual({ seq: 1000, droppable: false, reason: 'memory' });
    expect(ledger.depth).toBe(1);
  });
});
