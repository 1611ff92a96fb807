import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
