import { EdgecamError } from '../../errors.js';

/** A detection on an image without objects: every one is false. `image` indexes the folder's images. */
export interface FalseDetection {
  readonly image: number;
  readonly classId: number;
  readonly score: number;
}

/** The rate the threshold search keeps to: at most this many false detections per 100 images. */
export const MAX_PER_100_IMAGES = 1;

/**
 * The thresholds the search tries above the floor are whole thousandths (0.001, 0.002, ... 1), as a
 * configuration writes them; k / 1000 is the same number as the literal `0.k` in YAML or JSON.
 */
export const THRESHOLD_STEPS = 1000;

export interface NegativesSummary {
  /** Detections with score >= the threshold. */
  readonly falseDetections: number;
  /** falseDetections * 100 / images. */
  readonly per100Images: number;
  /** Images with at least one detection at or above the threshold. */
  readonly imagesWithFalseDetections: number;
  /** falseDetections by class id. */
  readonly perClass: readonly number[];
  /** lowestThreshold(scores, images, floor): the lowest threshold within MAX_PER_100_IMAGES. */
  readonly lowestThreshold: number | null;
}

/**
 * How many scores are at or above the threshold (a detection counts when score >= threshold, as
 * the decoders and the camera filter keep it).
 * @example countAtOrAbove([0.9, 0.5, 0.2], 0.5) // 2
 */
export function countAtOrAbove(scores: readonly number[], threshold: number): number {
  let n = 0;
  for (const s of scores) if (s >= threshold) n++;
  return n;
}

/**
 * False detections per 100 images: count * 100 / images. Throws EDGECAM_ERR_ARGUMENT without images.
 * @example per100Images(3, 8) // 37.5
 */
export function per100Images(count: number, images: number): number {
  requireImages(images);
  return (count * 100) / images;
}

/**
 * True when count false detections on `images` images are at most `limit` per 100 images, i.e.
 * count * 100 / images <= limit, compared in whole numbers: with fewer than 100 images and the
 * limit 1, only 0 passes; 1 passes from 100 images, 2 from 200.
 * @example withinRate(1, 100) // true; withinRate(1, 99) // false
 */
export function withinRate(count: number, images: number, limit = MAX_PER_100_IMAGES): boolean {
  requireImages(images);
  return count * 100 <= limit * images;
}

/**
 * The lowest threshold t that keeps false detections within `limit` per 100 images
 * (withinRate(countAtOrAbove(scores, t), images)): the floor when it already does, otherwise the
 * lowest whole thousandth above the floor up to 1 that does, null when even 1 does not (scores of
 * exactly 1). Scores below the floor were not collected, so the floor is the lowest answer there is.
 * Ties go together: two detections scoring 0.5 both stay at 0.5 and both go at 0.501.
 * @example lowestThreshold([0.42, 0.3], 8, 0.001) // 0.421: with 8 images no false detection is allowed
 */
export function lowestThreshold(
  scores: readonly number[],
  images: number,
  floor: number,
  limit = MAX_PER_100_IMAGES,
): number | null {
  requireImages(images);
  const ascending = Float64Array.from(scores).sort();
  const within = (t: number) => withinRate(ascending.length - lowerBound(ascending, t), images, limit);
  if (within(floor)) return floor;
  // Counts only fall as the threshold rises: the first whole thousandth that passes, by bisection.
  let lo = Math.floor(floor * THRESHOLD_STEPS) + 1;
  let hi = THRESHOLD_STEPS;
  if (lo > hi || !within(hi / THRESHOLD_STEPS)) return null;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (within(mid / THRESHOLD_STEPS)) hi = mid;
    else lo = mid + 1;
  }
  return lo / THRESHOLD_STEPS;
}

/**
 * The figures of a negatives run at one threshold, from every detection kept down to the floor
 * (the threshold search needs the low scores; the count at the threshold comes from the same list).
 * @example summarizeNegatives(detections, 8, 10, 0.35, 0.001).falseDetections
 */
export function summarizeNegatives(
  detections: readonly FalseDetection[],
  images: number,
  classCount: number,
  threshold: number,
  floor: number,
): NegativesSummary {
  requireImages(images);
  const kept = detections.filter((d) => d.score >= threshold);
  const perClass = new Array<number>(classCount).fill(0);
  for (const d of kept) perClass[d.classId]!++;
  return {
    falseDetections: kept.length,
    per100Images: per100Images(kept.length, images),
    imagesWithFalseDetections: new Set(kept.map((d) => d.image)).size,
    perClass,
    lowestThreshold: lowestThreshold(
      detections.map((d) => d.score),
      images,
      floor,
    ),
  };
}

/** The index of the first value >= x in an ascending array (its length when none). */
function lowerBound(ascending: Float64Array, x: number): number {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ascending[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function requireImages(images: number): void {
  if (!Number.isInteger(images) || images < 1) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected the number of negative images to be a whole number >= 1 but received ${images}: a rate per 100 images needs images`,
    );
  }
}
