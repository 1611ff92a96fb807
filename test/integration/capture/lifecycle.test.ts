import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource } from '../../../src/capture/create.js';
import { alive, cameraConfig, makeTestVideo, waitFor } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'edgecam-lifecycle-'));
const video = join(dir, 'loop.avi');
beforeAll(() => makeTestVideo(video, 64, 48, 10, 10));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a source under a slow consumer, and after a crash', () => {
  it('drops frames a slow consumer misses, and memory stays flat', async () => {
    const frameBytes = 320 * 240 * 3;
    const source = createSource(
      cameraConfig({ source: { kind: 'synthetic', seed: 2 }, width: 320, height: 240, fps: 400 }),
    );
    let baseline = 0;
    let after = 0;
    let taken = 0;
    // The limit only catches a hang; the loop ends after 40 frames however slow the machine is.
    for await (const frame of source.frames(AbortSignal.timeout(100_000))) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (frame.seq > 0 && baseline === 0) {
        gc();
        baseline = process.memoryUsage().arrayBuffers;
      }
      gc();
      after = process.memoryUsage().arrayBuffers;
      if (++taken >= 40) break;
    }
    const { dropped, frames } = source.stats();
    const growth = `${dropped} dropped of ${frames}; arrayBuffers ${baseline} -> ${after}`;
    expect(dropped, growth).toBeGreaterThanOrEqual(20);
    // Hundreds of frames were made; what stays alive is a few frames' worth (GC timing), never
    // the hundreds dropped.
    expect(after - baseline, growth).toBeLessThan(20 * frameBytes);
  });

  it('leaves no ffmpeg behind when the process that started it is killed', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../../fixtures/capture/crash-child.ts', import.meta.url)),
        video,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => {
        const match = /ffmpeg (\d+)/.exec(text);
        if (match !== null) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`the capturing process exited first (${code})`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // ffmpeg's next write hits a broken pipe and it exits: no orphan keeps the camera.
    await waitFor(() => !alive(pid), `ffmpeg ${pid} to exit after its parent was killed`);
    expect(alive(pid)).toBe(false);
  });
});
