import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { cameraConfig, collect, makeTestVideo } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'edgecam-file-'));
const video = join(dir, 'clip.avi');
const shots = join(dir, 'shots');

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
});
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
    const source = createSource(
      cameraConfig({
        source: { kind: 'file', path: video, pace: 'fast' },
        width: 160,
        height: 120,
        fps: 1000,
      }),
    );
    const frames = await collect(source, () => false);
    expect(frames).toHaveLength(12);
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
