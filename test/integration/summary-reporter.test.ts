// The one-line summary CI reads, from a real vitest run of fixture files: a hook that throws
// while every test passed must read as a failure, and skips say why.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

it('counts a failed hook as a failure, and names the reason tests were skipped for', async () => {
  const result = await run(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/reporter/vitest.config.ts'],
    { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
  ).then(
    () => ({ code: 0, stdout: '' }),
    (err: { code: number; stdout: string }) => err,
  );
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('skipped 1 test: the program is not installed');
  expect(result.stdout).toContain('vitest: 2 passed, 1 failed, 1 skipped');
});
