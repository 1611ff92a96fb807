import { describe, expect, it } from 'vitest';
import { checkFfmpeg, ffmpegCameras } from '../../../src/doctor/ffmpeg.js';
import { EdgecamError } from '../../../src/errors.js';
import { cameras, script, tempDir } from './helpers.js';

const none = () => {
  throw new EdgecamError('EDGECAM_ERR_CAMERA_PROGRAM', 'no ffmpeg found');
};

describe('doctor: ffmpeg', () => {
  it('finds ffmpeg on PATH and reads its version', async () => {
    const bin = await tempDir();
    const ffmpeg = await script(bin, 'ffmpeg', 'echo "ffmpeg version 6.1.1-fixture Copyright (c) 2000-2023"');
    const r = await checkFfmpeg({ configured: '', path: bin, cameras: [] });
    expect(r).toEqual({ name: 'ffmpeg', status: 'ok', found: `ffmpeg 6.1.1-fixture at ${ffmpeg}` });
  });

  it('uses capture.ffmpegPath, and fails when it is not an executable file', async () => {
    const bin = await tempDir();
    const ffmpeg = await script(bin, 'my-ffmpeg', 'echo "ffmpeg version 7.0"');
    expect((await checkFfmpeg({ configured: ffmpeg, path: '', cameras: [] })).found).toBe(
      `ffmpeg 7.0 at ${ffmpeg}`,
    );
    const r = await checkFfmpeg({ configured: `${bin}/nope`, path: '', cameras: [] });
    expect(r.status).toBe('fail');
    expect(r.found).toContain(`capture.ffmpegPath is "${bin}/nope"`);
  });

  it('fails without ffmpeg when an enabled camera reads through it, and only warns otherwise', async () => {
    const usb = cameras([{ id: 'door', source: { kind: 'v4l2' } }]);
    const needed = await checkFfmpeg({ configured: '', path: '', cameras: usb, resolve: none });
    expect(needed.status).toBe('fail');
    expect(needed.found).toMatch(/camera "door" reads through it$/);
    expect(needed.fix).toMatch(/sudo apt install ffmpeg/);
    const synthetic = cameras([{ id: 'test', source: { kind: 'synthetic' } }]);
    const optional = await checkFfmpeg({ configured: '', path: '', cameras: synthetic, resolve: none });
    expect(optional.status).toBe('warn');
    expect(optional.found).toMatch(/no enabled camera reads through it$/);
  });

  it('reports an ffmpeg that does not run', async () => {
    const bin = await tempDir();
    await script(bin, 'ffmpeg', 'echo "error while loading shared libraries" >&2; exit 127');
    const usb = cameras([{ id: 'door', source: { kind: 'v4l2' } }]);
    const r = await checkFfmpeg({ configured: '', path: bin, cameras: usb });
    expect(r.status).toBe('fail');
    expect(r.found).toMatch(/does not run/);
  });

  it('knows which cameras read through ffmpeg: v4l2, rtsp, http, videos and JPEG replays', () => {
    const config = cameras([
      { id: 'usb', source: { kind: 'v4l2' } },
      { id: 'ip', source: { kind: 'rtsp', url: 'rtsp://192.168.1.20/stream' } },
      { id: 'web', source: { kind: 'http', url: 'http://192.168.1.21/video.mjpg' } },
      { id: 'video', source: { kind: 'file', path: 'door.mp4' } },
      { id: 'jpegs', source: { kind: 'file', path: 'shots/*.jpg' } },
      { id: 'pngs', source: { kind: 'file', path: 'shots/*.png' } },
      { id: 'pi', source: { kind: 'libcamera' } },
      { id: 'test', source: { kind: 'synthetic' } },
      { id: 'off', enabled: false, source: { kind: 'v4l2' } },
    ]);
    expect(ffmpegCameras(config)).toEqual(['usb', 'ip', 'web', 'video', 'jpegs']);
  });
});
