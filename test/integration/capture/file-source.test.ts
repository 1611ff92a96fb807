import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { FRAMES_PER_RUN, jpegReplayArgs } from '../../../src/capture/sources/jpeg-replay.js';
import { cameraConfig, childProcesses, collect, makeTestVideo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'edgecam-file-'));
const video = join(dir, 'clip.avi');
const shots = join(dir, 'shots');
const jpegs = join(dir, 'jpegs');
const damaged = join(dir, 'damaged');

beforeAll(async () => {
  await makeTestVideo(video, 320, 240, 12, 10);
  mkdirSync(shots);
  // Named so that name order is not character order: frame-2 comes before frame-10.
  for (const [i, value] of [
    [1, 10],
    [2, 120],
    [10, 240],
  ] as const) {
    await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: value, g: value, b: value } },
    })
      .png()
      .toFile(join(shots, `frame-${i}.png`));
  }
  writeFileSync(join(shots, 'notes.txt'), 'not an image');
  // JPEGs (played through ffmpeg) of another shape than the camera's: 80x40 into 32x24 covers by
  // scaling to 48x24 and keeping the middle 32 columns.
  mkdirSync(jpegs);
  mkdirSync(damaged);
  for (const [i, value] of [
    [1, 20],
    [2, 130],
    [10, 230],
  ] as const) {
    const image = sharp({
      create: { width: 80, height: 40, channels: 3, background: { r: value, g: value, b: value } },
    }).jpeg({ quality: 95 });
    await image.toFile(join(jpegs, `frame-${i}.jpg`));
    await image.toFile(join(damaged, `frame-${i}.jpg`));
  }
  writeFileSync(join(damaged, 'frame-5.jpg'), 'not a JPEG at all');
  // 80x40, black in its 8 leftmost columns: covering 32x24 cuts them off, stretching would not.
  const edge = new Uint8Array(80 * 40 * 3).fill(255);
  for (let y = 0; y < 40; y++) edge.fill(0, y * 240, y * 240 + 24);
  mkdirSync(join(dir, 'quoted'));
  await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 130, g: 130, b: 130 } } })
    .jpeg()
    .toFile(join(dir, 'quoted', "it's a sign.jpg"));
  mkdirSync(join(dir, 'percent'));
  await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 20, g: 20, b: 20 } } })
    .jpeg()
    .toFile(join(dir, 'percent', '100% sure %d.jpg'));
  mkdirSync(join(dir, 'edge'));
  await sharp(edge, { raw: { width: 80, height: 40, channels: 3 } })
    .jpeg({ quality: 95 })
    .toFile(join(dir, 'edge', 'edge.jpg'));
});

/** The 10 fps test clip once at pace fast, for a camera at fps 1000: each of its 12 frames should come once. */
const playClipFast = (ffmpegPath?: string) =>
  collect(
    createSource(
      cameraConfig({
        source: { kind: 'file', path: video, pace: 'fast' },
        width: 160,
        height: 120,
        fps: 1000,
      }),
      { ffmpegPath },
    ),
    () => false,
  );

/** A frame's first pixel to the nearest of the JPEG folder's gray levels (JPEG moves it a little). */
const level = (f: { data: Uint8Array }) =>
  [20, 130, 230].reduce((best, v) => (Math.abs(v - f.data[0]!) < Math.abs(best - f.data[0]!) ? v : best));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file source', () => {
  it('plays a video once at pace fast: every frame, none dropped for a slow reader, then the stream ends', async () => {
    const source = createSource(
      cameraConfig({ source: { kind: 'file', path: video, pace: 'fast' }, width: 160, height: 120, fps: 10 }),
    );
    const frames = await collect(
      source,
      () => false,
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    );
    expect(frames.map((f) => f.seq)).toEqual([...Array(12).keys()]);
    expect(source.stats()).toMatchObject({ dropped: 0, restarts: 0 });
  });

  it("plays each of a video's frames once at pace fast, whatever the camera's fps", async () => {
    expect(await playClipFast()).toHaveLength(12);
  });

  it('turns and crops each frame once: rotate 90 after a crop gives the crop size, turned', async () => {
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: video, pace: 'fast', loop: true },
        width: 320,
        height: 240,
        crop: { x: 10, y: 20, width: 200, height: 100 },
        rotate: 90,
        gray: true,
      }),
    );
    const [frame] = await collect(source, (f) => f.length >= 1);
    expect([frame!.width, frame!.height, frame!.channels, frame!.data.length]).toEqual([100, 200, 1, 20_000]);
  });

  it('plays a folder of images in name order, looping, scaled to the camera size', async () => {
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: shots, loop: true, pace: 'fast' },
        width: 32,
        height: 24,
      }),
    );
    const frames = await collect(source, (f) => f.length >= 5);
    expect(frames.map((f) => f.data[0])).toEqual([10, 120, 240, 10, 120]);
    expect(frames.map((f) => [f.width, f.height])).toEqual(Array(5).fill([32, 24]));
  });

  it('plays a folder of JPEGs through ffmpeg in name order, looping with no frame lost, scaled to cover the camera', async () => {
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: jpegs, loop: true, pace: 'fast' },
        width: 32,
        height: 24,
      }),
    );
    // One ffmpeg run plays the list over and over for about FRAMES_PER_RUN frames (1002 here):
    // a few more cross into the next run.
    const count = FRAMES_PER_RUN + 5;
    const frames = await collect(source, (f) => f.length >= count);
    expect(frames.slice(0, count).map(level)).toEqual(
      Array.from({ length: count }, (_, i) => [20, 130, 230][i % 3]),
    );
    for (const f of frames) expect(Math.abs(f.data[0]! - level(f))).toBeLessThanOrEqual(3);
    expect(frames.map((f) => [f.width, f.height, f.channels])).toEqual(
      Array(frames.length).fill([32, 24, 3]),
    );
    expect(source.stats()).toMatchObject({ corrupt: 0, restarts: 0 });
    const [edge] = await collect(
      createSource(
        cameraConfig({ source: { kind: 'file', path: join(dir, 'edge') }, width: 32, height: 24 }),
      ),
      () => true,
    );
    // The left edge of the middle row is white: the black columns were cropped off.
    expect(edge!.data[12 * 32 * 3]).toBeGreaterThan(200);
  });

  it('plays a folder of JPEGs at an odd size too (ffmpeg writes RGB there: I420 needs an even size)', async () => {
    expect(jpegReplayArgs({ id: 'c', width: 32, height: 24, fps: 10 }, 'fast')).toContain('yuvj420p');
    expect(jpegReplayArgs({ id: 'c', width: 33, height: 24, fps: 10 }, 'fast')).toContain('rgb24');
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: jpegs, loop: true, pace: 'fast' },
        width: 33,
        height: 25,
      }),
    );
    const frames = await collect(source, (f) => f.length >= 4);
    expect(frames.slice(0, 4).map(level)).toEqual([20, 130, 230, 20]);
    expect(frames.map((f) => [f.width, f.height, f.channels, f.data.length])).toEqual(
      Array(frames.length).fill([33, 25, 3, 33 * 25 * 3]),
    );
  });

  it('decodes a folder of JPEGs in an ffmpeg child process, other images in-process', async () => {
    // Frames of 640x480 fill the pipe, so ffmpeg is still writing when the first one arrives.
    const children = async (path: string) => {
      let names: string[] = [];
      const source = createSource(
        cameraConfig({ source: { kind: 'file', path, loop: true, pace: 'fast' }, width: 640, height: 480 }),
      );
      await collect(
        source,
        () => true,
        () => {
          names = childProcesses().map((p) => p.name);
        },
      );
      return names;
    };
    expect(await children(jpegs)).toContain('ffmpeg');
    expect(await children(shots)).not.toContain('ffmpeg');
  });

  it('plays JPEGs whose names have a quote or a percent sign (the first through ffmpeg, the other through sharp)', async () => {
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: join(dir, 'quoted'), pace: 'fast' },
        width: 32,
        height: 24,
      }),
    );
    const frames = await collect(source, () => false);
    expect(frames.map(level)).toEqual([130]);
    expect(source.stats()).toMatchObject({ corrupt: 0, restarts: 0 });
    const percent = createSource(
      cameraConfig({
        source: { kind: 'file', path: join(dir, 'percent'), pace: 'fast' },
        width: 32,
        height: 24,
      }),
    );
    expect((await collect(percent, () => false)).map(level)).toEqual([20]);
  });

  it('plays a JPEG folder and a video at pace fast with the ffmpeg npm installs (a 2018 build) as well', async () => {
    const npmFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const folder = createSource(
      cameraConfig({
        source: { kind: 'file', path: jpegs, loop: true, pace: 'fast' },
        width: 32,
        height: 24,
      }),
      { ffmpegPath: npmFfmpeg },
    );
    const images = await collect(folder, (f) => f.length >= 6);
    expect(images.map(level)).toEqual([20, 130, 230, 20, 130, 230]);
    const paced = createSource(
      cameraConfig({ source: { kind: 'file', path: jpegs }, width: 32, height: 24, fps: 50 }),
      { ffmpegPath: npmFfmpeg },
    );
    expect((await collect(paced, () => false)).map(level)).toEqual([20, 130, 230]);
    expect(await playClipFast(npmFfmpeg)).toHaveLength(12);
  });

  it('skips and counts a file in a JPEG folder that does not decode, and plays the rest once', async () => {
    const source = createSource(
      cameraConfig({ source: { kind: 'file', path: damaged, pace: 'fast' }, width: 32, height: 24 }),
    );
    const frames = await collect(source, () => false);
    expect(frames.map(level)).toEqual([20, 130, 230]);
    expect(source.stats()).toMatchObject({ corrupt: 1, restarts: 0 });
  });

  it('plays the images a glob matches, at the configured fps', async () => {
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: join(shots, 'frame-1*.png') },
        width: 32,
        height: 24,
        fps: 50,
      }),
    );
    const frames = await collect(source, () => false);
    expect(frames.map((f) => f.data[0])).toEqual([10, 240]);
  });
});
