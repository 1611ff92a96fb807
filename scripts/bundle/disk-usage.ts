import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The space a folder takes on disk, as `du` counts it (allocated blocks, each file once), so that
 * the figure is what a board's SD card loses.
 * @example diskUsage('/opt/edgecam') // 190_312_448
 */
export function diskUsage(dir: string): number {
  let bytes = lstatSync(dir).blocks * 512;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? diskUsage(path) : lstatSync(path).blocks * 512;
  }
  return bytes;
}

/** Bytes in MiB with one decimal, the unit of `du -sh` (which prints it as "M"). */
export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
