import type { Detection } from '../detection.js';
import type { CameraImage } from '../frame.js';
import { cropImage } from './crop-image.js';
import type { ModelPlan } from './motion-gate.js';
import { mergeCropDetections } from './region-crops.js';

/** A model as model-runs.ts uses it (the pipeline's Model port fits). */
interface RunsModel {
  run(image: CameraImage): Promise<readonly Detection[]>;
  readonly lastTimings:
    | { readonly preprocessMs: number; readonly runMs: number; readonly decodeMs: number }
    | undefined;
}

/** A plan's detections in frame coordinates, with its runs' timings summed (undefined when the model reports none). */
export interface PlanResult {
  readonly found: readonly Detection[];
  readonly timings: { preprocessMs: number; runMs: number; decodeMs: number } | undefined;
}

/**
 * Runs the model as `plan` says on `image`: once on the whole image, or once per crop (cut and
 * submitted before the first await, so the caller may reuse `image` at once, and queued in the
 * model's worker back to back), the crops' detections mapped to the frame and merged.
 * @example const { found } = await runPlan(model, frame, { kind: 'crops', crops })
 */
export async function runPlan(model: RunsModel, image: CameraImage, plan: ModelPlan): Promise<PlanResult> {
  if (plan.kind === 'skip') return { found: [], timings: undefined };
  const crops = plan.kind === 'full' ? undefined : plan.crops;
  const images = crops === undefined ? [image] : crops.map((c) => cropImage(image, c));
  // Each run's timings are read as it settles: the next run's replace them.
  const runs = images.map((img) => model.run(img).then((found) => ({ found, timings: model.lastTimings })));
  const settled = await Promise.all(runs);
  let timings: PlanResult['timings'] = { preprocessMs: 0, runMs: 0, decodeMs: 0 };
  for (const s of settled) {
    if (s.timings === undefined || timings === undefined) timings = undefined;
    else {
      timings.preprocessMs += s.timings.preprocessMs;
      timings.runMs += s.timings.runMs;
      timings.decodeMs += s.timings.decodeMs;
    }
  }
  const found =
    crops === undefined
      ? settled[0]!.found
      : mergeCropDetections(
          settled.map((s) => s.found),
          crops,
          image,
        );
  return { found, timings };
}
