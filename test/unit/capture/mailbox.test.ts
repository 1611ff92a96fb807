import { describe, expect, it } from 'vitest';
import { LatestMailbox } from '../../../src/capture/mailbox.js';

describe('LatestMailbox', () => {
  it('keeps only the newest item and counts the ones it replaced', async () => {
    const box = new LatestMailbox<number>();
    for (let i = 1; i <= 5; i++) box.put(i);
    expect(box.dropped).toBe(4);
    expect(await box.take()).toBe(5);
    expect(box.full).toBe(false);
  });

  it('hands an item straight to a waiting taker, dropping nothing', async () => {
    const box = new LatestMailbox<string>();
    const taken = box.take();
    box.put('a');
    expect(await taken).toBe('a');
    expect(box.dropped).toBe(0);
  });

  it('gives undefined to a taker when its signal aborts or the mailbox closes', async () => {
    const box = new LatestMailbox<number>();
    const controller = new AbortController();
    const taken = box.take(controller.signal);
    controller.abort();
    expect(await taken).toBeUndefined();
    const waiting = box.take();
    box.close();
    expect(await waiting).toBeUndefined();
    box.put(1);
    expect(await box.take()).toBeUndefined();
  });

  it('hands out the last item after close({ keepLast: true })', async () => {
    const box = new LatestMailbox<number>();
    box.put(7);
    box.close({ keepLast: true });
    expect(await box.take()).toBe(7);
    expect(await box.take()).toBeUndefined();
  });

  it('tells a producer when the consumer has taken the item', async () => {
    const box = new LatestMailbox<number>();
    box.put(1);
    let emptied = false;
    const waiting = box.whenEmpty().then(() => {
      emptied = true;
    });
    await Promise.resolve();
    expect(emptied).toBe(false);
    await box.take();
    await waiting;
    expect(emptied).toBe(true);
  });
});
