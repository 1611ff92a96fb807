import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTrackRun } from '../../../src/daemon/track-run.js';

describe('nextTrackRun', () => {
  const dirs: string[] = [];
  const stateDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgecam-track-run-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('counts each start of a camera from 1, per camera, kept in <stateDir>/tracks/<camera>.json', async () => {
    const dir = await stateDir();
    expect(await nextTrackRun(dir, 'front')).toEqual({ run: 1 });
    expect(await nextTrackRun(dir, 'front')).toEqual({ run: 2 });
    expect(await nextTrackRun(dir, 'back')).toEqual({ run: 1 });
    expect(JSON.parse(await readFile(join(dir, 'tracks', 'front.json'), 'utf8'))).toEqual({ run: 2 });
  });

  it('falls back to the seconds since the epoch, saying why, when the file holds no number', async () => {
    const dir = await stateDir();
    await nextTrackRun(dir, 'front');
    await writeFile(join(dir, 'tracks', 'front.json'), '{"run": "x"');
    const now = Date.UTC(2026, 0, 1);
    const next = await nextTrackRun(dir, 'front', now);
    expect(next.run).toBe(now / 1000);
    expect(String(next.error)).toMatch(/front\.json/);
  });

  it('falls back the same way when stateDir cannot be written (a file where the folder should be)', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, 'tracks'), 'not a folder');
    const next = await nextTrackRun(dir, 'front', 5_000);
    expect(next.run).toBe(5);
    expect(next.error).toBeDefined();
  });
});
