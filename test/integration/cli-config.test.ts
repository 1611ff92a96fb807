import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('edgecam config check', () => {
  it('accepts the shipped defaults', async () => {
    const r = await runCli(['config', 'check']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/default\.yaml: ok/);
  });

  it('prints every problem at once and exits 78 (EX_CONFIG)', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'http:',
        '  port: 70000',
        'cameras:',
        '  - id: front',
        '    source: { kind: synthetic }',
        '    width: 640',
        '    height: 480',
        '    fpss: 10',
        '    edges: [{ kernel: sobel-lft }]',
      ].join('\n'),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code).toBe(78);
    expect(r.stdout).toContain('http.port');
    expect(r.stdout).toContain('70000');
    expect(r.stdout).toMatch(/fpss[\s\S]*did you mean "fps"/);
    expect(r.stdout).toMatch(/sobel-lft[\s\S]*sobel-left/);
  });

  it('checks EDGECAM_ environment overrides too', async () => {
    const r = await runCli(['config', 'check'], { EDGECAM_HTTP__PORTT: '9000' });
    expect(r.code).toBe(78);
    expect(r.stdout).toContain('EDGECAM_HTTP__PORTT');
  });

  it('reports a missing file with exit 78', async () => {
    const r = await runCli(['config', 'check', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(78);
    expect(r.stdout + r.stderr).toContain('nope.yaml');
  });

  it('reads --config before the command', async () => {
    const file = join(dir, 'good.yaml');
    await writeFile(file, 'http:\n  port: 9000\n');
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('good.yaml: ok');
  });
});

describe('edgecam config check, against the machine it runs on', () => {
  const SIGNS = fileURLToPath(new URL('../../models/signs', import.meta.url));

  it('refuses what run refuses, every problem at once: a missing model, a missing file, a label the model lacks', async () => {
    const file = join(dir, 'refused-by-run.yaml');
    await writeFile(
      file,
      [
        'cameras:',
        '  - id: nomodel',
        '    source: { kind: synthetic }',
        '    width: 320',
        '    height: 240',
        `    model: ${join(dir, 'no-such-model')}`,
        '  - id: nofile',
        `    source: { kind: file, path: ${join(dir, 'no-such-clip.mp4')} }`,
        '    width: 320',
        '    height: 240',
        '    model: ""',
        '  - id: typo',
        '    source: { kind: synthetic }',
        '    width: 320',
        '    height: 240',
        `    model: ${SIGNS}`,
        '    labels: [stopp]',
      ].join('\n'),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code, r.stdout + r.stderr).toBe(78);
    expect(r.stdout).toContain('3 problems');
    expect(r.stdout).toMatch(/cameras\[0\]\.model: No model package at ".*no-such-model"/);
    expect(r.stdout).toMatch(
      /cameras\[1\]\.source\.path: camera "nofile": source\.path ".*no-such-clip\.mp4" does not exist/,
    );
    // The very message run stops with, did-you-mean and all.
    expect(r.stdout).toContain(
      'cameras[2].labels: camera "typo": labels "stopp" is not a label of model signs',
    );
    expect(r.stdout).toContain('did you mean "stop"?');
  });

  it('warns about a video device that is not there, and passes: run starts and retries until it is plugged in', async () => {
    const file = join(dir, 'unplugged.yaml');
    await writeFile(
      file,
      [
        'cameras:',
        '  - id: usb',
        '    source: { kind: v4l2, device: /dev/edgecam-test-no-such-video9 }',
        '    width: 320',
        '    height: 240',
        '    model: ""',
      ].join('\n'),
    );
    const r = await runCli(['config', 'check', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /1 warning[\s\S]*cameras\[0\]\.source\.device: .*\/dev\/edgecam-test-no-such-video9 is not a video device/,
    );
    expect(r.stdout).toContain('unplugged.yaml: ok');
  });
});
