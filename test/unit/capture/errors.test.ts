import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { requireProgram, resolveFfmpeg } from '../../../src/capture/programs.js';
import { resolveFileInput } from '../../../src/capture/sources/file.js';
import { type CameraConfig, configSchema } from '../../../src/config/schema.js';
import { type ErrorCode, isEdgecamError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'edgecam-capture-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function camera(source: Record<string, unknown>): CameraConfig {
  return configSchema.parse({ cameras: [{ id: 'porch', source }] }).cameras[0]!;
}

async function firstFrameError(cam: CameraConfig, options = {}): Promise<unknown> {
  try {
    for await (const _ of createSource(cam, options).frames()) break;
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectCode(err: unknown, code: ErrorCode, message: RegExp) {
  expect(isEdgecamError(err, code), String(err)).toBe(true);
  expect((err as Error).message).toMatch(message);
}

describe('camera errors a maker can cause', () => {
  it('a v4l2 device that does not exist, naming the camera, the devices present and the fix', async () => {
    const devDir = join(dir, 'dev');
    mkdirSync(devDir);
    const err = await firstFrameError(camera({ kind: 'v4l2', device: join(devDir, 'video3') }), { devDir });
    expectCode(
      err,
      'EDGECAM_ERR_CAMERA_DEVICE',
      /^camera "porch": .*video3 is not a video device \(no \/dev\/video\* at all\): plug the camera in, or set cameras\[\]\.source\.device to one that `edgecam capture probe` lists$/,
    );
  });

  it('a file source whose path names nothing, or a folder without images', async () => {
    expectCode(
      await firstFrameError(camera({ kind: 'file', path: join(dir, 'missing.mp4') })),
      'EDGECAM_ERR_CAMERA_FILE',
      /^camera "porch": source\.path ".*missing\.mp4" does not exist: write the path of a video file/,
    );
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'empty', 'notes.txt'), 'no images here');
    await expect(resolveFileInput(join(dir, 'empty'), 'porch')).rejects.toThrow(
      /is a directory with no images/,
    );
    await expect(resolveFileInput(join(dir, 'empty', '*.jpg'), 'porch')).rejects.toThrow(
      /matches no image files/,
    );
  });

  it('a program the camera needs that is not installed', async () => {
    expectCode(
      await firstFrameError(camera({ kind: 'libcamera' }), { path: dir }),
      'EDGECAM_ERR_CAMERA_PROGRAM',
      /^camera "porch" \(kind libcamera\) needs rpicam-vid or libcamera-vid, which is not on PATH: install it \(sudo apt install rpicam-apps\)$/,
    );
    expect(() => requireProgram(['fswebcam'], 'camera "porch"', 'sudo apt install fswebcam', dir)).toThrow(
      /needs fswebcam/,
    );
  });

  it('a capture.ffmpegPath that is not a program', () => {
    const notExecutable = join(dir, 'ffmpeg');
    writeFileSync(notExecutable, '');
    chmodSync(notExecutable, 0o644);
    let error: unknown;
    try {
      resolveFfmpeg(notExecutable);
    } catch (err) {
      error = err;
    }
    expectCode(
      error,
      'EDGECAM_ERR_CAMERA_PROGRAM',
      /^capture\.ffmpegPath is ".*ffmpeg", which is not an executable file/,
    );
  });
});
