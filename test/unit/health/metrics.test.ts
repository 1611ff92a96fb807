import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics, publishStats } from '../../../src/health/metrics.js';
import { cameraCheck, modelCheck, publishCheck, Readiness } from '../../../src/health/readiness.js';
import { createThrottledReader, hottest, readThermalZones } from '../../../src/health/system.js';
import type { PublishStats } from '../../../src/publish/stats.js';

const dir = await mkdtemp('/tmp/edgecam-thermal-');
afterAll(() => rm(dir, { recursive: true, force: true }));

// This machine has no thermal zones; a directory shaped like /sys/class/thermal stands in for a Pi's.
async function fakeThermal(zones: Record<string, [string, string]>): Promise<string> {
  const root = join(dir, `thermal-${Object.keys(zones).length}`);
  for (const [name, [type, temp]] of Object.entries(zones)) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, 'type'), `${type}\n`);
    await writeFile(join(root, name, 'temp'), `${temp}\n`);
  }
  return root;
}

describe('metrics', () => {
  it('serve per-camera frame counters, stage histograms, MQTT and outbox figures and process metrics', async () => {
    const root = await fakeThermal({
      thermal_zone0: ['cpu-thermal', '48312'],
      thermal_zone1: ['gpu-thermal', '45000'],
    });
    const metrics = createMetrics({ thermalRoot: root, throttled: async () => '0x50005' });
    const front = metrics.camera('front');
    expect(metrics.camera('front')).toBe(front);
    front.captured.inc();
    front.captured.inc();
    front.corrupt.too_large.inc();
    front.stage.inference.observe(0.012);
    front.endToEnd.observe(0.05);
    front.fps.set(9.5);
    metrics.setInference('cpu', 'signs', '1.0.0');
    // The publisher's stats land in these metrics (structural fit, checked by the compiler here).
    const stats: PublishStats = publishStats(metrics);
    stats.connected(true);
    stats.published('events');
    stats.failed('detections', 'offline');
    stats.outbox(3, 1200);
    stats.outboxDropped(2);
    stats.command(false);
    stats.commandsCoalesced(4);
    stats.outboxRefused('snapshot', 'superseded', 1);
    metrics.openEventsErrors.inc({ op: 'read' });
    const text = await metrics.registry.metrics();
    for (const line of [
      'edgecam_frames_captured_total{camera="front"} 2',
      'edgecam_frames_corrupt_total{camera="front",reason="too_large"} 1',
      // Every reason's series exists from the start, at 0.
      'edgecam_frames_corrupt_total{camera="front",reason="empty"} 0',
      'edgecam_stage_duration_seconds_count{camera="front",stage="inference"} 1',
      'edgecam_frame_latency_seconds_sum{camera="front"} 0.05',
      'edgecam_fps{camera="front"} 9.5',
      'edgecam_inference_info{provider="cpu",model="signs",version="1.0.0"} 1',
      'edgecam_mqtt_connected 1',
      'edgecam_mqtt_messages_published_total{kind="events"} 1',
      'edgecam_mqtt_messages_failed_total{kind="detections",reason="offline"} 1',
      'edgecam_mqtt_commands_total{result="rejected"} 1',
      'edgecam_mqtt_commands_total{result="coalesced"} 4',
      'edgecam_outbox_refused_total{kind="snapshot",reason="superseded"} 1',
      'edgecam_outbox_messages 3',
      'edgecam_outbox_bytes 1200',
      'edgecam_outbox_dropped_total 2',
      'edgecam_open_events_errors_total{op="read"} 1',
      'edgecam_open_events_errors_total{op="write"} 0',
      'edgecam_board_temperature_celsius{zone="cpu-thermal"} 48.312',
      'edgecam_board_throttled 327685',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('label the inference info with the WebGPU adapter, and drop it when the provider changes', async () => {
    const metrics = createMetrics({
      processMetrics: false,
      thermalRoot: join(dir, 'none'),
      throttled: async () => null,
    });
    const v3d = {
      device: 'V3D 7.1.7.0',
      vendor: 'Broadcom',
      type: 'integrated-gpu',
      driver: 'V3DV Mesa Mesa 23.2.1',
      software: false,
    } as const;
    metrics.setInference('webgpu', 'signs', '3.0.0', v3d);
    expect(await metrics.registry.metrics()).toContain(
      'edgecam_inference_info{provider="webgpu",model="signs",version="3.0.0",adapter="V3D 7.1.7.0",adapter_type="integrated-gpu"} 1',
    );
    metrics.setInference('cpu', 'signs', '3.0.0', null);
    const text = await metrics.registry.metrics();
    expect(text).toContain('edgecam_inference_info{provider="cpu",model="signs",version="3.0.0"} 1');
    expect(text).not.toContain('adapter=');
  });

  it('read thermal zones (none where the board has none) and no throttling without vcgencmd', async () => {
    const root = await fakeThermal({ thermal_zone0: ['cpu-thermal', '61000'] });
    expect(await readThermalZones(root)).toEqual([{ zone: 'cpu-thermal', celsius: 61 }]);
    expect(await readThermalZones(join(dir, 'missing'))).toEqual([]);
    expect(hottest([])).toBeNull();
    expect(
      hottest([
        { zone: 'a', celsius: 40 },
        { zone: 'b', celsius: 55 },
      ]),
    ).toBe(55);
    expect(await createThrottledReader('edgecam-no-such-vcgencmd')()).toBeNull();
  });
});

describe('readiness', () => {
  it('says which part is not ready and why', () => {
    let now = 100_000;
    let last: number | undefined;
    let loaded = false;
    const readiness = new Readiness();
    expect(readiness.report().ready).toBe(false);
    readiness.add(
      'camera:front',
      cameraCheck(
        () => last,
        10_000,
        () => now,
      ),
    );
    readiness.add(
      'model',
      modelCheck(() => loaded, 'signs 1.0.0'),
    );
    readiness.add(
      'mqtt',
      publishCheck(() => ({ connected: false, depth: 5, maxMessages: 10 })),
    );
    expect(readiness.report().checks['camera:front']).toEqual({ ready: false, detail: 'no frame yet' });
    last = now - 2000;
    loaded = true;
    expect(readiness.report()).toMatchObject({ ready: true, checks: { mqtt: { ready: true } } });
    now += 20_000;
    const report = readiness.report();
    expect(report.ready).toBe(false);
    expect(report.checks['camera:front']!.detail).toBe('stalled: last frame 22.0 s ago (limit 10 s)');
  });
});
