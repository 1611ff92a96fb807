import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doctorCommand } from '../../../src/cli/doctor-command.js';
import { tempDir } from '../doctor/helpers.js';

describe('edgecam doctor: the config', () => {
  it('fails the config line for a config with problems, points at config check, and leaves its checks out', async () => {
    const file = join(await tempDir(), 'bad.yaml');
    await writeFile(file, 'http:\n  port: 70000\nmqtt:\n  urll: mqtt://x\n');
    const { ok, output } = await doctorCommand(
      file,
      { json: true },
      {
        loadOnnxRuntime: async () => ({
          listSupportedBackends: () => [],
          env: { versions: { common: '1' } },
        }),
      },
    );
    expect(ok).toBe(false);
    const report = JSON.parse(output) as {
      checks: { name: string; status: string; found: string; fix?: string }[];
    };
    const config = report.checks[0];
    expect(config).toEqual({
      name: 'config',
      status: 'fail',
      found: `${file}: 2 problems, so the disk, mqtt and http checks are left out`,
      fix: `edgecam config check ${file} prints each problem with its fix`,
    });
    expect(report.checks.map((c) => c.name)).not.toContain('http');
  });

  it('counts the enabled cameras of a valid config', async () => {
    const file = join(await tempDir(), 'good.yaml');
    await writeFile(
      file,
      [
        'http: { port: 0 }',
        'mqtt: { broker: { port: 0 } }',
        'cameras:',
        '  - { id: a, source: { kind: synthetic } }',
        '  - { id: b, enabled: false, source: { kind: synthetic } }',
      ].join('\n'),
    );
    const { output } = await doctorCommand(file, {});
    expect(output.split('\n')[1]).toBe(`ok    config       ${file}: valid, 1 enabled camera`);
  });
});
