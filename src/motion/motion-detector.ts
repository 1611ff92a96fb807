import type { Box } from '../detection.js';
import type { CameraImage, Image } from '../frame.js';
import { dilate } from '../kernels/dilate.js';
import { createGrayDownscale, type GrayDownscale } from '../kernels/gray-downscale.js';
import { resolveKernel } from '../kernels/library.js';
import { createFilterPlan, type FilterPlan } from '../kernels/plan.js';
import { type MotionResult, NO_MOTION } from '../motion-result.js';
import type { Polygon } from '../polygon.js';
import { Background } from './background.js';
import { maskGrid } from './mask.js';
import { type GridRegion, RegionLabeller } from './regions.js';

/**
 * Motion in a camera's frames, by differencing against a running background: each frame becomes
 * a small gray copy (kernels' gray downscale), blurred (a kernels filter plan, so sensor grain is not
 * motion), fitted to the background's lighting (background.ts), thresholded, dilated (kernels'
 * dilate, joining the parts of one mover) and labelled into regions (regions.ts) of at least the
 * minimum area. Everything per-size is planned at the first frame of a size and reused.
 */

/** What motion detection is tuned by (the config's camera `motion` keys). */
export interface MotionSettings {
  /** Width of the gray copy, in pixels. */
  readonly width: number;
  /** The share of each frame mixed into the background, 0..1. */
  readonly adaptation: number;
  /** Gray levels a pixel must differ by. */
  readonly threshold: number;
  /** The smallest region, as a share of the frame's area. */
  readonly minArea: number;
  /** Polygons (normalised) where motion is ignored. */
  readonly mask: readonly Polygon[];
}

/**
 * Past this share of changed pixels (after the lighting fit) the picture changed as a whole (the
 * camera moved or shook): the whole frame is one region, and the background starts over from it.
 */
export const GLOBAL_SHARE = 0.4;
/** The kernel engine's 5x5 Gaussian: sensor grain and sampling noise are not motion. */
const BLUR = 'gaussian5';

interface Plan {
  readonly key: string;
  readonly downscale: GrayDownscale;
  readonly gray: Image<Uint8Array>;
  readonly blur: FilterPlan;
  readonly blurred: Image<Uint8Array>;
  readonly changed: Image<Uint8Array>;
  readonly grown: Image<Uint8Array>;
  readonly scratch: Uint8Array;
  readonly mask: Uint8Array;
  readonly counted: number;
  readonly background: Background;
  readonly labeller: RegionLabeller;
  readonly radius: number;
}

/**
 * @example const motion = new MotionDetector(settings); const { moving, regions } = motion.detect(frame)
 */
export class MotionDetector {
  #settings: MotionSettings;
  #plan: Plan | undefined;

  constructor(settings: MotionSettings) {
    this.#settings = settings;
  }

  /** New settings from the next frame on; a new width or mask plans anew (and the background starts over). */
  configure(settings: MotionSettings): void {
    this.#settings = settings;
  }

  /** The motion in `frame` against the frames before it; the first frame (of a size) has none. */
  detect(frame: CameraImage): MotionResult {
    const plan = this.#planFor(frame);
    const s = this.#settings;
    plan.downscale.run(frame, plan.gray);
    plan.blur.run(plan.gray, plan.blurred);
    const current = plan.blurred.data;
    const { background } = plan;
    if (!background.primed) {
      background.reset(current);
      return NO_MOTION;
    }
    const lighting = background.fitLighting(current, plan.mask, s.threshold);
    const count = background.compare(
      current,
      lighting,
      plan.mask,
      s.threshold,
      s.adaptation,
      plan.changed.data,
    );
    const share = plan.counted === 0 ? 0 : count / plan.counted;
    if (share > GLOBAL_SHARE) {
      background.reset(current);
      return { moving: true, regions: [{ x: 0, y: 0, w: 1, h: 1 }], share, global: true };
    }
    if (share === 0) return { ...NO_MOTION, share };
    dilate(plan.changed, plan.radius, plan.grown, plan.scratch);
    const { width: W, height: H } = plan.gray;
    const minPixels = Math.max(1, s.minArea * W * H);
    const regions = plan.labeller.regions(plan.grown.data, minPixels).map((r) => toBox(r, W, H));
    return { moving: regions.length > 0, regions, share, global: false };
  }

  #planFor(frame: CameraImage): Plan {
    const s = this.#settings;
    const key = `${frame.width}x${frame.height}x${frame.channels}/${s.width}/${JSON.stringify(s.mask)}`;
    if (this.#plan?.key === key) return this.#plan;
    const downscale = createGrayDownscale(frame, s.width);
    const { width, height } = downscale.output;
    const n = width * height;
    const image = <T extends Uint8Array | Float32Array>(data: T): Image<T> => ({
      width,
      height,
      channels: 1,
      data,
    });
    const mask = maskGrid(s.mask, width, height);
    let counted = 0;
    for (let i = 0; i < n; i++) counted += mask[i]!;
    this.#plan = {
      key,
      downscale,
      gray: image(new Uint8Array(n)),
      // Planned once per size, on the engine's WebAssembly SIMD pass where there is one.
      blur: createFilterPlan(
        resolveKernel(BLUR),
        { width, height, channels: 1 },
        { padding: 'same', border: 'edge' },
      ),
      blurred: image(new Uint8Array(n)),
      changed: image(new Uint8Array(n)),
      grown: image(new Uint8Array(n)),
      scratch: new Uint8Array(n),
      mask,
      counted,
      background: new Background(n),
      labeller: new RegionLabeller(width, height),
      // About 1% of the width: parts of one mover a few pixels apart join.
      radius: Math.max(1, Math.round(width / 80)),
    };
    return this.#plan;
  }
}

function toBox(r: GridRegion, W: number, H: number): Box {
  return { x: r.x0 / W, y: r.y0 / H, w: (r.x1 - r.x0 + 1) / W, h: (r.y1 - r.y0 + 1) / H };
}
