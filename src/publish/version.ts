import { readFileSync } from 'node:fs';

/** edgecam's version, from package.json (two levels up from src/publish/ and dist/publish/ alike). */
export const EDGECAM_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
