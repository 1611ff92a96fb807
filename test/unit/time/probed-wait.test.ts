import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type WaitEnd, waitOrReachable } from '../../../src/time/probed-wait.js';
import { pathProbe, tcpProbe, urlProbe } from '../../../src/time/reachability.js';
import { ManualClock, settle } from './manual-clock.js';

/** Starts a wait and records when, by the manual clock, it ended and how. */
function startWait(clock: ManualClock, ms: number, probe: (() => Promise<boolean>) | undefined) {
  const stop = new AbortController();
  const result: { end?: WaitEnd; at?: number } = {};
  const started = clock.now();
  void waitOrReachable(ms, stop.signal, { clock, probe }).then((end) => {
    result.end = end;
    result.at = clock.now() - started;
  });
  return { result, stop };
}

describe('waitOrReachable', () => {
  it('ends on the first probe that reaches the other side again, long before the backoff', async () => {
    const clock = new ManualClock();
    let reachable = false;
    let probes = 0;
    const { result } = startWait(clock, 30_000, async () => {
      probes++;
      return reachable;
    });
    await clock.advance(5000);
    expect(result.end).toBeUndefined();
    expect(probes).toBe(6); // one at the start, then one a second
    reachable = true;
    await clock.advance(1000);
    expect(result).toEqual({ end: 'reachable', at: 6000 });
  });

  it('waits the whole backoff while the other side stays away, and then says so', async () => {
    const clock = new ManualClock();
    let probes = 0;
    const { result } = startWait(clock, 4500, async () => {
      probes++;
      throw new Error('probe failed'); // counts as unreachable
    });
    await clock.advance(4500);
    expect(result).toEqual({ end: 'elapsed', at: 4500 });
    expect(probes).toBe(5);
  });

  it('does not probe on when the first probe reaches the other side: that failure was something else', async () => {
    const clock = new ManualClock();
    let probes = 0;
    const { result } = startWait(clock, 8000, async () => {
      probes++;
      return true;
    });
    await clock.advance(7999);
    expect(result.end).toBeUndefined();
    await clock.advance(1);
    expect(result).toEqual({ end: 'elapsed', at: 8000 });
    expect(probes).toBe(1);
  });

  it('is a plain wait without a probe, or one no longer than the probe interval', async () => {
    const clock = new ManualClock();
    const plain = startWait(clock, 3000, undefined);
    let probes = 0;
    const short = startWait(clock, 1000, async () => ++probes > 0);
    await clock.advance(3000);
    expect(plain.result).toEqual({ end: 'elapsed', at: 3000 });
    expect(short.result).toEqual({ end: 'elapsed', at: 1000 });
    expect(probes).toBe(0);
  });

  it('ends at once when aborted, leaving no timer behind', async () => {
    const clock = new ManualClock();
    const { result, stop } = startWait(clock, 30_000, async () => false);
    await clock.advance(2500);
    stop.abort();
    await settle();
    expect(result.end).toBe('aborted');
    expect(clock.pending).toBe(0);
  });
});

describe('reachability probes', () => {
  it('connect to a listening port, and fail on a closed one', async () => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const signal = new AbortController().signal;
    expect(await tcpProbe('127.0.0.1', port)(signal)).toBe(true);
    expect(await urlProbe(`mqtt://127.0.0.1:${port}`, {})?.(signal)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await tcpProbe('127.0.0.1', port)(signal)).toBe(false);
  });

  it('take the scheme default port, and give up on URLs they cannot probe', () => {
    expect(urlProbe('mqtts://broker.example', { 'mqtts:': 8883 })).toBeTypeOf('function');
    expect(urlProbe('foo://broker.example', { 'mqtts:': 8883 })).toBeUndefined();
    expect(urlProbe('not a url', {})).toBeUndefined();
  });

  it('see a path come and go', async () => {
    const dir = await mkdtemp('/tmp/edgecam-probe-');
    const device = join(dir, 'video0');
    const signal = new AbortController().signal;
    expect(await pathProbe(device)(signal)).toBe(false);
    await writeFile(device, '');
    expect(await pathProbe(device)(signal)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
