import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import type { FrameSource } from '../../../src/capture/source.js';
import { cameraConfig, collect } from './helpers.js';

// Real files through the real file source: an empty file, a JPEG cut in half, an 8000x8000 JPEG
// and a file that is no image at all, among good frames. Each bad file is skipped and counted by
// its reason, and the frames after it arrive.

const dir = mkdtempSync(join(tmpdir(), 'edgecam-bad-files-'));
const LEVELS = [20, 130, 230];

/** A folder with the good frames 1, 3 and 6 (gray 20, 130, 230) and bad files between them. */
async function folderWithBadFiles(name: string, ext: 'jpg' | 'png'): Promise<string> {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const [i, value] of [
    [1, LEVELS[0]!],
    [3, LEVELS[1]!],
    [6, LEVELS[2]!],
  ] as const) {
    const image = sharp({
      create: { width: 80, height: 40, channels: 3, background: { r: value, g: value, b: value } },
    });
    await (ext === 'jpg' ? image.jpeg({ quality: 95 }) : image.png()).toFile(
      join(folder, `frame-${i}.${ext}`),
    );
  }
  writeFileSync(join(folder, `frame-2.${ext}`), '');
  // Noise, so that the scan is long and cutting it in half leaves the header whole.
  const noise = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
  const full = await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } })
    .jpeg()
    .toBuffer();
  writeFileSync(join(folder, `frame-4.${ext}`), full.subarray(0, full.length >> 1));
  writeFileSync(join(folder, `frame-5.${ext}`), readFileSync(BIG));
  writeFileSync(join(folder, `frame-7.${ext}`), 'not an image at all');
  return folder;
}

const BIG = join(dir, 'big.jpg');
let jpegs: string;
let pngs: string;

beforeAll(async () => {
  await sharp({ create: { width: 8000, height: 8000, channels: 3, background: { r: 9, g: 9, b: 9 } } })
    .jpeg()
    .toFile(BIG);
  jpegs = await folderWithBadFiles('jpegs', 'jpg');
  pngs = await folderWithBadFiles('pngs', 'png');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A frame's first pixel to the nearest of the good frames' gray levels. */
const level = (f: { data: Uint8Array }) =>
  LEVELS.reduce((best, v) => (Math.abs(v - f.data[0]!) < Math.abs(best - f.data[0]!) ? v : best));

/** The reasons of the source's corrupt events, as they come. */
function corruptKinds(source: FrameSource): string[] {
  const kinds: string[] = [];
  source.events.on('corrupt', (e) => kinds.push(e.kind));
  return kinds;
}

const fileCamera = (path: string, extra: Record<string, unknown> = {}) =>
  cameraConfig({ source: { kind: 'file', path, pace: 'fast', ...extra }, width: 32, height: 24 });

describe('a file source with bad files among its images', () => {
  it('skips and counts an empty, a truncated, a too large and a non-image JPEG, and plays the frames after them (ffmpeg)', async () => {
    const source = createSource(fileCamera(jpegs));
    const kinds = corruptKinds(source);
    const frames = await collect(source, () => false);
    expect(frames.map(level)).toEqual(LEVELS);
    expect(kinds).toEqual(['empty', 'truncated', 'too_large', 'undecodable']);
    expect(source.stats()).toMatchObject({ corrupt: 4, restarts: 0 });
  });

  it('skips them on every pass of a looping replay, never stopping at one', async () => {
    const source = createSource(fileCamera(jpegs, { loop: true }));
    const kinds = corruptKinds(source);
    const frames = await collect(source, (f) => f.length >= 7);
    expect(frames.map(level)).toEqual([...LEVELS, ...LEVELS, LEVELS[0]]);
    expect(kinds.slice(0, 8)).toEqual(
      Array(2).fill(['empty', 'truncated', 'too_large', 'undecodable']).flat(),
    );
    expect(source.stats()).toMatchObject({ restarts: 0 });
  });

  it('skips and counts them in a folder sharp decodes, too', async () => {
    const source = createSource(fileCamera(pngs));
    const kinds = corruptKinds(source);
    const frames = await collect(source, () => false);
    expect(frames.map(level)).toEqual(LEVELS);
    // The PNG-named files are JPEGs inside; sharp reads what they are.
    expect(kinds).toEqual(['empty', 'truncated', 'too_large', 'undecodable']);
  });

  it('refuses images above source.maxPixels before decoding them', async () => {
    const source = createSource(fileCamera(jpegs, { maxPixels: 80 * 40 - 1 }));
    const kinds = corruptKinds(source);
    expect(await collect(source, () => false)).toEqual([]);
    expect(kinds).toEqual([
      'too_large',
      'empty',
      'too_large',
      'too_large',
      'too_large',
      'too_large',
      'undecodable',
    ]);
  });

  it('retries with backoff, rather than spinning, a looping replay whose every image is refused', async () => {
    const source = createSource(fileCamera(jpegs, { maxPixels: 1, loop: true }));
    const stop = new AbortController();
    let reason = '';
    source.events.once('offline', (e) => {
      reason = e.reason;
      stop.abort();
    });
    let frames = 0;
    for await (const _frame of source.frames(stop.signal)) frames++;
    expect(frames).toBe(0);
    expect(reason).toMatch(/none of the 7 images .* can be played/);
  });
});
