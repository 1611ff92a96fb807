import type { SyntheticSourceConfig } from '../../config/source-schema.js';
import { sleep } from '../../time/clock.js';
import type { CameraDriver } from '../source.js';
import { SyntheticScene } from '../synthetic/scene.js';
import type { CameraShape, DriverContext } from './context.js';

/**
 * The synthetic camera: generated frames at the camera's fps, no hardware; what a fresh install
 * shows. Frame n is the same picture for the same seed on every machine and every run.
 * @example syntheticDriver({ id: 'demo', width: 640, height: 480, fps: 10 }, { kind: 'synthetic', seed: 1, signs: 4 }, context)
 */
export function syntheticDriver(
  camera: CameraShape,
  source: SyntheticSourceConfig,
  context: DriverContext,
): CameraDriver {
  let scene: SyntheticScene | undefined;
  let index = 0;
  return {
    description: `synthetic seed ${source.seed}`,
    async run(sink, signal) {
      scene ??= new SyntheticScene(camera.width, camera.height, source.seed, source.signs);
      const period = 1000 / camera.fps;
      const start = context.clock.now();
      for (let shown = 0; !signal.aborted; shown++) {
        sink.raw(scene.render(index++), camera.width, camera.height, 3);
        await sleep(context.clock, Math.max(0, start + (shown + 1) * period - context.clock.now()), signal);
      }
      return { reason: 'stopped' };
    },
  };
}
