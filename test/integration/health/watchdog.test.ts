import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createSocket, type UnixDgramSocket } from 'unix-dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../src/health/notify.js';
import { Watchdog, watchdogIntervalMs } from '../../../src/health/watchdog.js';

// A test NOTIFY_SOCKET: a real unix datagram socket standing in for systemd's.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function notifySocket(): Promise<{ path: string; received: string[]; next(): Promise<string> }> {
  const dir = await mkdtemp('/tmp/edgecam-notify-');
  const path = join(dir, 'notify');
  const received: string[] = [];
  const waiters: ((m: string) => void)[] = [];
  const socket: UnixDgramSocket = createSocket('unix_dgram', (msg) => {
    const text = msg.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else received.push(text);
  });
  socket.bind(path);
  cleanups.push(async () => {
    socket.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    path,
    received,
    next: () => {
      const queued = received.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
  };
}

/** Timers the test runs by hand: one tick per call. */
function manualTimers() {
  let callback: (() => void) | undefined;
  return {
    setInterval: (fn: () => void) => {
      callback = fn;
      return 1;
    },
    clearInterval: () => {
      callback = undefined;
    },
    tick: () => callback?.(),
    get running() {
      return callback !== undefined;
    },
  };
}

describe('the systemd watchdog', () => {
  it('sends READY=1, pings while frames are processed, and stops pinging when the pipeline stops', async () => {
    const socket = await notifySocket();
    const env = { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '4000000' };
    const notifier = await createNotifier(env);
    cleanups.push(() => notifier.close());
    expect(notifier.active).toBe(true);
    const timers = manualTimers();
    let fps = 9.8;
    const watchdog = new Watchdog({ notifier, env, timers, status: () => `front ${fps} fps` });
    expect(watchdog.intervalMs).toBe(2000);
    watchdog.start();
    watchdog.ready();
    expect(await socket.next()).toBe('READY=1\nSTATUS=front 9.8 fps');

    watchdog.progressed();
    timers.tick();
    expect(await socket.next()).toBe('WATCHDOG=1\nSTATUS=front 9.8 fps');
    watchdog.progressed();
    timers.tick();
    expect(await socket.next()).toBe('WATCHDOG=1');

    // The pipeline is stuck: no progress, so no WATCHDOG=1 (systemd will restart us); STATUS says why.
    fps = 0;
    timers.tick();
    expect(await socket.next()).toBe('STATUS=stalled: no frame processed in 2 s; front 0 fps');
    timers.tick();
    watchdog.progressed();
    timers.tick();
    expect(await socket.next()).toBe('WATCHDOG=1\nSTATUS=front 0 fps');
    watchdog.stop();
    expect(await socket.next()).toBe('STOPPING=1');
    expect(timers.running).toBe(false);
    expect(socket.received).toEqual([]);
  });

  it('is a no-op without NOTIFY_SOCKET, and reads the interval from WATCHDOG_USEC', async () => {
    const notifier = await createNotifier({});
    expect(notifier.active).toBe(false);
    const timers = manualTimers();
    const watchdog = new Watchdog({ notifier, env: {}, timers });
    watchdog.start();
    expect(timers.running).toBe(false);
    watchdog.ready();
    watchdog.stop();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000' })).toBe(10_000);
    expect(watchdogIntervalMs({})).toBeUndefined();
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '1' })).toBeUndefined();
  });
});
