import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageBytes } from '../../../src/capture/sources/image-bytes.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-image-bytes-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ImageBytes', () => {
  it('keeps files within the budget in memory: read once, then served from memory', async () => {
    const a = join(dir, 'a.jpg');
    const b = join(dir, 'b.jpg');
    await writeFile(a, 'first');
    await writeFile(b, 'second file');
    const images = new ImageBytes(10);
    expect((await images.read(a)).toString()).toBe('first');
    expect((await images.read(b)).toString()).toBe('second file'); // 5 + 11 > 10: not kept
    expect(images.keptBytes).toBe(5);
    // Changed on disk: the kept file is not read again, the other one is.
    await writeFile(a, 'FIRST');
    await writeFile(b, 'SECOND FILE');
    expect((await images.read(a)).toString()).toBe('first');
    expect((await images.read(b)).toString()).toBe('SECOND FILE');
  });

  it('keeps nothing with a budget of 0, and a missing file is an error each time', async () => {
    const c = join(dir, 'c.jpg');
    await writeFile(c, 'x');
    const images = new ImageBytes(0);
    await images.read(c);
    await writeFile(c, 'y');
    expect((await images.read(c)).toString()).toBe('y');
    expect(images.keptBytes).toBe(0);
    await expect(images.read(join(dir, 'missing.jpg'))).rejects.toThrow(/ENOENT/);
    await expect(images.read(join(dir, 'missing.jpg'))).rejects.toThrow(/ENOENT/);
  });
});
