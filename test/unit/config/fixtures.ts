import { fileURLToPath } from 'node:url';
import { type ConfigOptions, type ConfigProblem, checkConfig } from '../../../src/config/index.js';

/** The path of a YAML file in test/fixtures/config/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
}

/** The problems checkConfig finds in a fixture, with an empty environment unless one is given. */
export async function problemsIn(
  name: string,
  options: Omit<ConfigOptions, 'file'> = {},
): Promise<ConfigProblem[]> {
  const { problems } = await checkConfig({ env: {}, ...options, file: fixture(name) });
  return problems;
}

/** The one problem at `path`; fails the test when there is none or several. */
export function problemAt(problems: readonly ConfigProblem[], path: string): ConfigProblem {
  const found = problems.filter((p) => p.path === path);
  if (found.length !== 1) {
    throw new Error(
      `expected one problem at ${path}, found ${found.length} in ${JSON.stringify(problems, null, 2)}`,
    );
  }
  return found[0]!;
}
