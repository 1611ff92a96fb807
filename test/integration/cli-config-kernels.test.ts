import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// Kernel sizes are checked when the config is: a kernel too large to build is a problem with the
// key, the value and the fix (exit 78), and a chain slower than its camera's frames is a warning.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-config-kernels-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (kernel: string, size: number) =>
  [
    'kernels:',
    '  chains:',
    `    blur: [{ kernel: ${kernel} }]`,
    'cameras:',
    '  - id: front',
    '    source: { kind: synthetic }',
    `    width: ${size}`,
    `    height: ${size}`,
    '    fps: 10',
    '    preprocess: blur',
  ].join('\n');

describe('edgecam config check with huge kernels', () => {
  it('refuses a kernel too large to build with exit 78, naming the key, the value and the fix', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, config('gaussian100001', 640));
    const r = await runCli(['config', 'check', file]);
    expect(r.code, r.stdout + r.stderr).toBe(78);
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
    expect(r.stdout).toContain('kernels.chains.blur[0].kernel');
    expect(r.stdout).toContain('"gaussian100001"');
    expect(r.stdout).toMatch(/at most 2047/);
    expect(r.stdout).toMatch(/fix: .*gaussian/);
  });

  it('warns, with the estimated cost per frame, when a chain takes longer than the frame interval', async () => {
    const file = join(dir, 'slow.yaml');
    await writeFile(file, config('gaussian2001', 4000));
    const r = await runCli(['config', 'check', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('ok, 1 camera(s)');
    expect(r.stderr).toMatch(
      /warning: cameras\[0\]\.preprocess: .*chain "blur".* about [\d.]+ s a frame.* 100 ms/,
    );
    expect(r.stderr).toMatch(/fix: /);
  });

  it('does not warn about the shipped defaults', async () => {
    const r = await runCli(['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
  });
});
