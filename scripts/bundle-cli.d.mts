// Types of scripts/bundle-cli.mjs, for the tests that import it (tsconfig.json has no allowJs).

/** Packages dist/cli.js leaves out and loads from node_modules at run time. */
export const EXTERNAL_PACKAGES: readonly string[];
/** What `import.meta.url` becomes in `file`, a module under `root`/src, inside dist/cli.js. */
export function moduleUrlExpression(root: string, file: string): string;
/** Writes dist/cli.js (and its source map) under `root` from src/cli.ts; resolves with its size in bytes. */
export function bundleCli(root: string): Promise<number>;
