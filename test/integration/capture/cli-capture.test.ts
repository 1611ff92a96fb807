import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';

const CONFIG = fileURLToPath(new URL('../../fixtures/capture/cameras.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'edgecam-cli-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edgecam capture', () => {
  it('snapshot writes one frame of a configured camera, turned and cropped as configured', async () => {
    const out = join(dir, 'yard.png');
    const result = await runCli(['--config', CONFIG, 'capture', 'snapshot', '--camera', 'yard', out]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`yard (synthetic) -> ${out} (100x160, RGB)\n`);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([100, 160]);
  });

  it('snapshot names the cameras there are when the id is not one of them', async () => {
    const result = await runCli([
      '--config',
      CONFIG,
      'capture',
      'snapshot',
      '--camera',
      'yrad',
      join(dir, 'x.png'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'edgecam: no camera "yrad" in the configuration (cameras: yard): did you mean "yard"? [EDGECAM_ERR_CAMERA_UNKNOWN]\n',
    );
  });

  it('probe says so when a named device is not a video device', async () => {
    const result = await runCli(['capture', 'probe', '/dev/video-none']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^edgecam: \/dev\/video-none is not a video device: .* \[EDGECAM_ERR_CAMERA_DEVICE\]\n$/,
    );
  });
});
