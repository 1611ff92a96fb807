import { describe, expect, it } from 'vitest';
import { type CameraConfig, configSchema } from '../../../src/config/index.js';
import { needsRestart } from '../../../src/daemon/camera-runtime.js';

const base = { id: 'front', source: { kind: 'synthetic' as const, seed: 1 } };

function camera(change: Record<string, unknown> = {}): CameraConfig {
  return configSchema.parse({ cameras: [{ ...base, ...change }] }).cameras[0]!;
}

describe('needsRestart', () => {
  it.each([
    ['source', { source: { kind: 'synthetic', seed: 2 } }],
    ['width', { width: 320 }],
    ['height', { height: 240 }],
    ['fps', { fps: 5 }],
    ['rotate', { rotate: 90 }],
    ['flip', { flip: 'horizontal' }],
    ['crop', { crop: { width: 100, height: 100 } }],
    ['gray', { gray: true }],
    ['stallTimeout', { stallTimeout: 20 }],
    ['model', { model: 'models/signs' }],
    ['motion.enabled', { motion: { enabled: true } }],
  ])('restarts the camera when its %s changed', (_key, change) => {
    expect(needsRestart(camera(), camera(change))).toBe(true);
  });

  it.each([
    ['threshold', { threshold: 0.7 }],
    ['labels', { labels: ['stop'] }],
    ['minArea', { minArea: 0.2 }],
    [
      'zones',
      {
        zones: {
          door: [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        },
      },
    ],
    ['events', { events: { smoothing: { frames: 3 } } }],
    ['preprocess', { preprocess: 'denoise' }],
    ['edges', { edges: [{ edges: 'L2' }] }],
    ['motion tuning', { motion: { width: 320, adaptation: 0.1, threshold: 30, minArea: 0.01 } }],
    [
      'motion.mask',
      {
        motion: {
          mask: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        },
      },
    ],
    ['detect', { detect: { mode: 'always', keepAlive: 30 } }],
  ])('applies a change of %s live', (_key, change) => {
    expect(needsRestart(camera(), camera(change))).toBe(false);
  });
});
