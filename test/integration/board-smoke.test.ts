// scripts/board-smoke.sh, the emulated board check .ci/run calls after npm test (it downloads Node
// and the board's dependencies and runs for minutes under qemu, so the suite checks only the script
// itself here).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from './deploy/helpers.js';
import { missingTool } from './system-tools.js';

const SMOKE = fileURLToPath(new URL('../../scripts/board-smoke.sh', import.meta.url));

describe('scripts/board-smoke.sh', () => {
  it('is shellcheck-clean', async ({ skip }) => {
    const missing = missingTool('shellcheck');
    if (missing !== undefined) skip(missing);
    const r = await run('shellcheck', [SMOKE]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('names the boards it knows when given another, and does nothing', async () => {
    const r = await run('bash', [SMOKE, 'riscv64']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'usage: scripts/board-smoke.sh arm64|armv7\n' });
  });
});
