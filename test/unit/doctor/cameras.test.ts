import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCameras } from '../../../src/doctor/cameras.js';
import { cameras, script, tempDir, writeTree } from './helpers.js';

/** A /dev stand-in holding the named nodes (plain files: the listing goes by name). */
async function devTree(names: string[]): Promise<string> {
  const dev = await tempDir();
  await writeTree(dev, Object.fromEntries([...names, 'null'].map((n) => [n, ''])));
  return dev;
}

describe('doctor: cameras', () => {
  it('lists the V4L2 devices in number order', async () => {
    const devDir = await devTree(['video10', 'video0', 'video1']);
    const r = await checkCameras({ devDir, path: '', cameras: [] });
    expect(r).toEqual({
      name: 'cameras',
      status: 'ok',
      found: `${devDir}/video0, ${devDir}/video1, ${devDir}/video10; no rpicam-vid or libcamera-vid`,
    });
  });

  it('counts the nodes past six (a Pi 5 has over 20)', async () => {
    const devDir = await devTree(Array.from({ length: 9 }, (_, i) => `video${i}`));
    const r = await checkCameras({ devDir, path: '', cameras: [] });
    expect(r.found).toMatch(/video5 and 3 more;/);
  });

  it('finds rpicam-vid on PATH for a Pi camera module', async () => {
    const bin = await tempDir();
    const rpicam = await script(bin, 'rpicam-vid', 'exit 0');
    const devDir = await devTree([]);
    const r = await checkCameras({ devDir, path: bin, cameras: [] });
    expect(r).toEqual({ name: 'cameras', status: 'ok', found: `no ${devDir}/video*; libcamera: ${rpicam}` });
  });

  it('warns when the board has no camera at all', async () => {
    const r = await checkCameras({ devDir: await devTree([]), path: '', cameras: [] });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/no camera on this board$/);
    expect(r.fix).toMatch(/rpicam-apps/);
  });

  it("warns when a v4l2 camera's device is not plugged in", async () => {
    const devDir = await devTree(['video0']);
    const config = cameras([{ id: 'door', source: { kind: 'v4l2', device: join(devDir, 'video2') } }]);
    const r = await checkCameras({ devDir, path: '', cameras: config });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/camera "door" reads .*video2, which is not here/);
    expect(r.fix).toMatch(/source\.device/);
  });

  it('leaves a disabled camera out', async () => {
    const devDir = await devTree(['video0']);
    const config = cameras([{ id: 'door', enabled: false, source: { kind: 'v4l2', device: '/dev/video7' } }]);
    expect((await checkCameras({ devDir, path: '', cameras: config })).status).toBe('ok');
  });

  it('fails when a libcamera camera has no rpicam-vid or libcamera-vid', async () => {
    const config = cameras([{ id: 'pi', source: { kind: 'libcamera' } }]);
    const r = await checkCameras({ devDir: await devTree(['video0']), path: '', cameras: config });
    expect(r.status).toBe('fail');
    expect(r.found).toMatch(/camera "pi" \(kind libcamera\) needs rpicam-vid or libcamera-vid/);
    expect(r.fix).toBe('sudo apt install rpicam-apps');
  });

  it('fails when a node-webcam camera has no fswebcam', async () => {
    const config = cameras([{ id: 'usb', source: { kind: 'node-webcam' } }]);
    const r = await checkCameras({ devDir: await devTree(['video0']), path: '', cameras: config });
    expect(r.status).toBe('fail');
    expect(r.fix).toBe('sudo apt install fswebcam');
  });

  it('warns when this user cannot open the device', async ({ skip }) => {
    if (process.getuid?.() === 0) skip('root opens any device: this runs as root');
    const devDir = await devTree(['video0']);
    const { chmod } = await import('node:fs/promises');
    await chmod(join(devDir, 'video0'), 0o000);
    const r = await checkCameras({ devDir, path: '', cameras: [] });
    expect(r.status).toBe('warn');
    expect(r.fix).toMatch(/usermod -aG video/);
  });
});
