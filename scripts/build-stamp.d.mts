// Types of scripts/build-stamp.mjs, for the tests that import it (tsconfig.json has no allowJs).

/** Where the stamp lives, relative to the project root: dist/.build-stamp. */
export const STAMP_FILE: string;
/** The SHA-256 (hex) of every build input under `root`. */
export function buildInputsHash(root: string): string;
/** Whether dist/ is current for the sources under `root`, and if not, why. */
export function buildState(root: string): { current: boolean; reason: string };
/** Records that dist/ was built from the inputs that hashed to `hash`. */
export function writeStamp(root: string, hash: string): void;
/** Forgets the last build (before a new one writes into dist/). */
export function removeStamp(root: string): void;
