import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The system programs some tests drive for real (shellcheck, systemd-analyze, Chromium, mosquitto,
 * openssl). `.ci/run` installs them and sets TEST_REQUIRE_TOOLS=1, so on CI a missing one
 * fails its tests; on a developer's machine those tests are skipped with the reason, which the
 * run's summary lists.
 */

/** Whether `program` is an executable file, by path or on PATH (and /usr/sbin, Debian's home for some). */
export function installed(program: string): boolean {
  const candidates = program.includes('/')
    ? [program]
    : [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin'].map((dir) => join(dir, program));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Why the tests that need `program` cannot run here, or undefined when they can (or must: on CI).
 * @example const missing = missingTool('shellcheck'); it('...', ({ skip }) => { if (missing) skip(missing); ... })
 */
export function missingTool(program: string, aptPackage = program): string | undefined {
  if (process.env.TEST_REQUIRE_TOOLS === '1' || installed(program)) return undefined;
  return `${program} is not installed: apt-get install ${aptPackage} (.ci/run installs it)`;
}
