import type { Detection } from '../detection.js';
import type { MotionResult } from '../motion-result.js';
import { type CropRect, inCrops, iou, planCrops } from './region-crops.js';

/**
 * Whether, and where, the model runs on a frame when the camera detects by motion
 * (detect.mode: motion): nowhere while nothing moves, but for one whole-frame keep-alive run every
 * keepAlive seconds; on crops around what moved otherwise. What the model saw stays reported
 * between runs: a frame without a run reports the detections held from the runs before, a crop
 * run replaces only those whose centres lie in its crops, and a whole-frame run replaces them all
 * (so an object that stopped moving stays until a keep-alive run no longer sees it).
 */

/** The camera's detect keys as the pipeline reads them. */
export interface DetectSettings {
  readonly mode: 'always' | 'motion';
  /** Seconds between whole-frame runs while nothing moves. */
  readonly keepAlive: number;
}

/** What the model does with one frame. */
export type ModelPlan =
  | { readonly kind: 'skip' }
  | { readonly kind: 'full' }
  | { readonly kind: 'crops'; readonly crops: readonly CropRect[] };

const SKIP: ModelPlan = { kind: 'skip' };
const FULL: ModelPlan = { kind: 'full' };
/** Boxes of one label overlapping this much (IoU) are one object. */
const SAME_OBJECT = 0.3;

/**
 * @example const gate = new MotionGate(); const plan = gate.plan(frame, motion, settings, 320); ...; gate.settle(plan, found, frame)
 */
export class MotionGate {
  #lastFullAt = Number.NEGATIVE_INFINITY;
  #held: readonly Detection[] = [];

  /**
   * The plan for a frame taken at `at` (ms) with `motion` (undefined: the camera detects no
   * motion, so the model runs on every frame), for a model whose input is `minSide` pixels.
   */
  plan(
    image: { readonly width: number; readonly height: number },
    at: number,
    motion: MotionResult | undefined,
    settings: DetectSettings,
    minSide: number,
  ): ModelPlan {
    if (motion === undefined || settings.mode === 'always') return this.#full(at);
    if (at - this.#lastFullAt >= settings.keepAlive * 1000) return this.#full(at);
    if (!motion.moving) return SKIP;
    const crops = planCrops(motion.regions, image, minSide);
    const whole = crops.length === 1 && crops[0]!.w === image.width && crops[0]!.h === image.height;
    return whole ? this.#full(at) : { kind: 'crops', crops };
  }

  /**
   * The frame's detections once its plan ran (`found` in frame coordinates; nothing for a skip),
   * held for the frames after it. Call in frame order.
   */
  settle(
    plan: ModelPlan,
    found: readonly Detection[],
    image: { readonly width: number; readonly height: number },
  ): readonly Detection[] {
    if (plan.kind === 'full') this.#held = found;
    else if (plan.kind === 'crops') {
      // A held object the crops cut through may be found again in one: the new sighting replaces it.
      const outside = this.#held.filter(
        (d) =>
          d.box !== undefined &&
          !inCrops(d.box, plan.crops, image) &&
          !found.some((f) => f.label === d.label && f.box !== undefined && iou(f.box, d.box!) > SAME_OBJECT),
      );
      this.#held = [...outside, ...found];
    }
    return this.#held;
  }

  #full(at: number): ModelPlan {
    this.#lastFullAt = at;
    return FULL;
  }
}
