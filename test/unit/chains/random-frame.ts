import type { Frame } from '../../../src/frame.js';
import { seededRandom } from '../../../src/random.js';

/** The frame shape the chains tests use. */
export const shape = { width: 64, height: 48, channels: 3 } as const;

/** A 64x48 RGB frame of seeded noise: the same seed, the same pixels. */
export function randomFrame(seed: number): Frame {
  const rand = seededRandom(seed);
  return {
    ...shape,
    seq: seed,
    timestamp: 0,
    source: 'test',
    data: Uint8Array.from({ length: 64 * 48 * 3 }, () => Math.floor(rand() * 256)),
  };
}
