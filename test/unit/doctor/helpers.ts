import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { type CameraConfig, type ConfigInput, configSchema } from '../../../src/config/index.js';

/** A fixture board's root (test/fixtures/doctor/NAME): proc/, sys/ as the board has them. */
export function board(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/doctor/${name}`, import.meta.url));
}

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh folder, removed after the test file. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'edgecam-doctor-'));
  made.push(dir);
  return dir;
}

/** Writes `files` (path -> text) under `root`, making folders. */
export async function writeTree(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** An executable shell script `dir`/`name` running `body`: a stand-in for a program on PATH. */
export async function script(dir: string, name: string, body: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

/** Validated cameras, as a config file would give them. */
export function cameras(input: NonNullable<ConfigInput['cameras']>): CameraConfig[] {
  return configSchema.parse({ cameras: input }).cameras;
}
