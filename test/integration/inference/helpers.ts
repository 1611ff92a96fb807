import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Image } from '../../../src/frame.js';
import type { InferenceLogger } from '../../../src/inference/backend.js';

/** A temporary folder for model packages, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `edgecam-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A 16x16 mid-gray PNG at `path`: an image file for data folders whose pixels do not matter. */
export async function grayPng(path: string): Promise<void> {
  await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .png()
    .toFile(path);
}

/** An RGB frame of mid-gray pixels (the known-output models ignore the pixels). */
export function rgbFrame(width: number, height: number): Image<Uint8Array> {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(128) };
}

/** A logger that keeps what it is given, for asserting on warnings. */
export function recordingLogger(): InferenceLogger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    warn: (_fields, message) => lines.push({ level: 'warn', message }),
    info: (_fields, message) => lines.push({ level: 'info', message }),
  };
}
