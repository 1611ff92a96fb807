import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../../src/capture/capture-source.js';
import { createSource } from '../../../src/capture/create.js';
import type { CameraDriver, FrameSink, SessionEnd } from '../../../src/capture/source.js';
import { loadConfig } from '../../../src/config/index.js';
import { doublingBackoff } from '../../../src/time/backoff.js';
import { ManualClock, settle } from '../time/manual-clock.js';

/**
 * A camera that went away is tried again as soon as its reachability probe succeeds, not when a
 * long backoff runs out; while it stays away, only the cheap probe runs. Driven by a scripted
 * driver and a manual clock, so the moment of each restart is exact.
 */

/** A driver whose sessions fail until `online` is set, then deliver a frame and wait. */
function flakyCamera() {
  const state = { runs: 0, probes: 0, online: false, reachable: false };
  const driver: CameraDriver = {
    description: 'flaky',
    run(sink: FrameSink, signal: AbortSignal): Promise<SessionEnd> {
      state.runs++;
      if (!state.online) return Promise.resolve({ reason: 'connection refused' });
      sink.raw(new Uint8Array([1, 2, 3]), 1, 1, 3);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ reason: 'stopped' })));
    },
    async reachable() {
      state.probes++;
      return state.reachable;
    },
  };
  return { driver, state };
}

function start(driver: CameraDriver, clock: ManualClock) {
  const source = new CaptureSource(driver, {
    id: 'gate',
    width: 1,
    height: 1,
    orientation: { rotate: 0, flip: 'none', gray: false },
    stallTimeoutMs: 600_000,
    clock,
    // A minute between attempts: a restart before that is the probe's doing.
    backoff: doublingBackoff(60_000, 60_000),
    random: () => 0,
  });
  const online: number[] = [];
  source.events.on('online', (e) => online.push(e.at));
  const stop = new AbortController();
  const done = (async () => {
    for await (const _ of source.frames(stop.signal));
  })();
  const close = () => {
    stop.abort();
    return done;
  };
  return { online, close };
}

describe('CaptureSource reconnecting', () => {
  it('restarts a camera on the first probe that reaches it again, not at the end of the backoff', async () => {
    const clock = new ManualClock();
    const { driver, state } = flakyCamera();
    const camera = start(driver, clock);
    await settle();
    expect(state.runs).toBe(1);
    // Down for 10 s: a probe a second, and no full restart.
    await clock.advance(10_000);
    expect(state.runs).toBe(1);
    expect(state.probes).toBeGreaterThanOrEqual(10);
    expect(state.probes).toBeLessThanOrEqual(12);
    state.reachable = true;
    state.online = true;
    const back = clock.now();
    await clock.advance(1000);
    expect(state.runs).toBe(2);
    expect(camera.online).toEqual([back + 1000]);
    await camera.close();
  });

  it('waits out the whole backoff, without probing on, when the camera answers but its stream failed', async () => {
    const clock = new ManualClock();
    const { driver, state } = flakyCamera();
    state.reachable = true; // the host answers; ffmpeg failed for another reason
    const camera = start(driver, clock);
    await settle();
    await clock.advance(59_999);
    expect(state.runs).toBe(1);
    expect(state.probes).toBe(1);
    await clock.advance(1);
    expect(state.runs).toBe(2);
    await camera.close();
  });
});

describe('a configured camera source', () => {
  it("offers its device's probe, so a camera unplugged at start is retried as soon as it is plugged in", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgecam-probe-'));
    const device = join(dir, 'video0');
    const config = await loadConfig({
      overrides: { cameras: [{ id: 'usb', source: { kind: 'v4l2', device }, width: 64, height: 48 }] },
    });
    const source = createSource(config.cameras[0]!);
    const signal = new AbortController().signal;
    expect(await source.reachable?.(signal)).toBe(false);
    await writeFile(device, ''); // the node appears (a stat is all the probe asks)
    expect(await source.reachable?.(signal)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
