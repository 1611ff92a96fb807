import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../src/config/index.js';
import { runCli } from './cli-helpers.js';

const EXAMPLES = new URL('../../config/examples/', import.meta.url);
const files = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

async function load(name: string) {
  const { config, problems } = await checkConfig({ file: fileURLToPath(new URL(name, EXAMPLES)), env: {} });
  expect(problems).toEqual([]);
  return config!;
}

describe('config/examples', () => {
  it('has one for each board and camera the README promises', () => {
    expect(files).toEqual([
      'field-camera.yaml',
      'jetson.yaml',
      'pi-camera-module.yaml',
      'pi-usb-webcam.yaml',
      'pi-zero-2w.yaml',
      'rtsp-ip-camera.yaml',
    ]);
  });

  it.each(files.filter((f) => f !== 'field-camera.yaml'))('%s passes edgecam config check', async (name) => {
    const r = await runCli(['config', 'check', fileURLToPath(new URL(name, EXAMPLES))]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${name}: ok`);
  });

  it('field-camera.yaml passes edgecam config check but for the classifier it asks you to bring', async () => {
    const r = await runCli(['config', 'check', fileURLToPath(new URL('field-camera.yaml', EXAMPLES))]);
    expect(r.code, r.stdout + r.stderr).toBe(78);
    expect(r.stdout).toContain('1 problem in');
    expect(r.stdout).toContain('cameras[0].model: No model package at "models/wildlife"');
  });

  it("deploy/config.yaml (install.sh's first config on a board) passes too, once its token is filled in", async () => {
    const r = await runCli([
      'config',
      'check',
      fileURLToPath(new URL('../../deploy/config.yaml', import.meta.url)),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it('each shows what its name says', async () => {
    const usb = await load('pi-usb-webcam.yaml');
    expect(usb.cameras[0]!.source).toMatchObject({ kind: 'v4l2', format: 'mjpeg' });
    expect(Object.keys(usb.cameras[0]!.zones)).toEqual(['driveway']);

    const module = await load('pi-camera-module.yaml');
    expect(module.cameras[0]!.source.kind).toBe('libcamera');

    const jetson = await load('jetson.yaml');
    expect(jetson.inference.accelerator).toBe('auto');
    expect(jetson.cameras.map((c) => c.source.kind)).toEqual(['v4l2', 'rtsp']);

    const rtsp = await load('rtsp-ip-camera.yaml');
    expect(rtsp.cameras[0]!.source).toMatchObject({ kind: 'rtsp', transport: 'tcp' });
    expect(rtsp.mqtt.url).toMatch(/^mqtts:\/\//);

    // A classifier at 1 fps that sends only events: no edge map, no per-frame messages.
    const field = await load('field-camera.yaml');
    expect(field.cameras[0]).toMatchObject({ fps: 1, model: 'models/wildlife' });
    expect(field.cameras[0]!.edges).toBeUndefined();
    expect(field.mqtt.detections.enabled).toBe(false);
  });
});
