import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { libcameraArgs } from '../../../src/capture/sources/libcamera.js';
import { cameraConfig, collect, FFMPEG } from './helpers.js';

/**
 * Cameras that cannot exist on the test machines (a USB webcam for fswebcam, a Raspberry Pi
 * camera module for rpicam-vid) are played by stand-in scripts put first on PATH: the sources'
 * real code runs them exactly as it would run the real programs.
 */

const bin = mkdtempSync(join(tmpdir(), 'edgecam-stand-ins-'));
const path = `${bin}${delimiter}${process.env.PATH ?? ''}`;
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function script(name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

// Stand-in fswebcam: writes a 64x48 test card JPEG to the file named last, as fswebcam does.
script(
  'fswebcam',
  `for last; do :; done
exec "${FFMPEG}" -hide_banner -loglevel error -f lavfi -i testsrc=size=64x48 -frames:v 1 -y "$last"`,
);
// Stand-in rpicam-vid: MJPEG of a test card to stdout at the asked size, until killed.
script(
  'rpicam-vid',
  `while [ $# -gt 0 ]; do case "$1" in --width) w=$2;; --height) h=$2;; esac; shift; done
exec "${FFMPEG}" -hide_banner -loglevel error -re -f lavfi -i "testsrc=size=\${w}x\${h}:rate=30" -c:v mjpeg -f mjpeg pipe:1`,
);

describe('sources with stand-in programs', () => {
  it('node-webcam: snapshots through (stand-in) fswebcam, scaled to the camera size', async () => {
    const source = createSource(
      cameraConfig({ source: { kind: 'node-webcam', interval: 0.05 }, width: 32, height: 24 }),
      { path },
    );
    const frames = await collect(source, (f) => f.length >= 2);
    expect(frames.map((f) => [f.seq, f.width, f.height, f.channels])).toEqual([
      [0, 32, 24, 3],
      [1, 32, 24, 3],
    ]);
  });

  it('libcamera: the MJPEG from (stand-in) rpicam-vid, split and decoded with sharp', async () => {
    const source = createSource(
      cameraConfig({ source: { kind: 'libcamera' }, width: 96, height: 64, fps: 30 }),
      { path },
    );
    const frames = await collect(source, (f) => f.length >= 3);
    expect(frames.map((f) => [f.width, f.height])).toEqual(Array(3).fill([96, 64]));
    expect(source.stats().corrupt).toBe(0);
  });

  it('asks rpicam-vid for endless MJPEG on stdout with no preview, extra args last', () => {
    expect(
      libcameraArgs(
        { id: 'pi', width: 640, height: 480, fps: 15 },
        { kind: 'libcamera', camera: 1, args: ['--hflip'] },
      ),
    ).toEqual(
      '-t 0 -n --codec mjpeg --width 640 --height 480 --framerate 15 --camera 1 --hflip -o -'.split(' '),
    );
  });
});
