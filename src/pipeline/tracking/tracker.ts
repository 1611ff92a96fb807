import type { Box, Detection } from '../../detection.js';
import { Assignment } from './assignment.js';
import { filterBox, predictFilter, updateFilter } from './box-filter.js';
import { reappearDistance } from './reappear.js';
import { Track, type TrackView } from './track.js';
import type { TrackIds } from './track-ids.js';

/**
 * A camera's multi-object tracker, after ByteTrack (https://arxiv.org/abs/2110.06864): each
 * track's box is predicted by a constant-velocity Kalman filter (box-filter.ts), then matched to
 * the frame's detections by IoU with minimum-cost assignment (assignment.ts), in two stages:
 *
 * 1. born tracks (including ones missed lately) with all the detections, those below the
 *    camera's threshold (down to `tracking.low`) too: an object half hidden scores lower, and its
 *    low score keeps its track alive without publishing a detection the user's threshold refuses.
 *    ByteTrack matches the high scores first and the low ones after; on a drive that handed a
 *    sign's track to a neighbour of its label coming out from behind it, in a frame where the sign
 *    itself scored low, so here IoU alone decides (bench/tracking.ts: 18 ID switches to 16);
 * 2. tentative tracks with the high-score detections left.
 *
 * A detection only ever matches a track of its own label (a sign is one kind of sign; a track
 * whose label flickers for one frame is missed that frame and coasts). High-score detections left
 * over start tentative tracks; a tentative track is born after `hits` frames in a row and dropped
 * at its first miss, so a one-frame false detection never becomes a track. A born track ends after
 * `misses` frames in a row without a detection, or at once when, missed, its predicted centre has
 * left the frame.
 *
 * Re-finding (reappear.ts): a tentative track about to be born first looks for a missing born
 * track of its label where it now is; if one is near enough, that track takes it over and keeps
 * its id. A sign hidden behind a nearer one for longer than the motion model can follow comes back
 * as itself, not as a new object (the drive's ID switches 16 to 8). With `hits` 1 a new track is
 * born at once, so nothing is re-found.
 *
 * Tracks are pooled and every buffer is kept between frames: an update allocates nothing but
 * the id string of a track that is born.
 */

export interface TrackerSettings {
  /** Frames in a row a new object must be detected in before it is born (gets an id). */
  readonly hits: number;
  /** Frames in a row a born track may be missed; at this many, it ends. */
  readonly misses: number;
  /** Smallest IoU between a track's predicted box and a detection for them to match. */
  readonly iou: number;
}

/** A cost above any 1 - IoU: a pair that may not match (so the solver pairs feasible ones first). */
const INFEASIBLE = 1e6;

/** IoU of two boxes (0 when they do not overlap). */
export function iou(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  if (ix <= 0) return 0;
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (iy <= 0) return 0;
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter);
}

/** Whether a box's centre has left the frame (normalised coordinates). */
function outOfFrame(box: Box): boolean {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  return cx < 0 || cx > 1 || cy < 0 || cy > 1;
}

/**
 * @example const tracker = new MultiObjectTracker({ hits: 2, misses: 15, iou: 0.3 }, new TrackIds(1)); tracker.update(found, 0.5); tracker.trackOf(0)?.id
 */
export class MultiObjectTracker {
  #settings: TrackerSettings;
  readonly #ids: TrackIds;
  /** Live tracks (tentative and born), oldest first. */
  readonly #tracks: Track[] = [];
  readonly #pool: Track[] = [];
  readonly #born: Track[] = [];
  readonly #ended: Track[] = [];
  /** Per detection of the last update, its track (undefined: none, e.g. an unmatched low score). */
  readonly #trackOf: (Track | undefined)[] = [];
  readonly #assignment = new Assignment();
  #cost = new Float64Array(64);
  #match = new Int32Array(16);
  #rows: Track[] = [];
  #births: Track[] = [];
  #cols = new Int32Array(16);
  /** Per detection: matched in an earlier stage of this update. */
  #taken = new Uint8Array(16);

  constructor(settings: TrackerSettings, ids: TrackIds) {
    this.#settings = settings;
    this.#ids = ids;
  }

  /** Applies new settings from the next update on; live tracks keep going. */
  configure(settings: TrackerSettings): void {
    this.#settings = settings;
  }

  /** The live tracks, tentative and born, oldest first (valid until the next update). */
  get tracks(): readonly TrackView[] {
    return this.#tracks;
  }

  /** The tracks born in the last update (they got their id). */
  get born(): readonly TrackView[] {
    return this.#born;
  }

  /** The born tracks that ended in the last update (or in reset()), as they were last. */
  get ended(): readonly TrackView[] {
    return this.#ended;
  }

  /** The track that detection `i` of the last update went to, if any. */
  trackOf(i: number): TrackView | undefined {
    return this.#trackOf[i];
  }

  /**
   * Takes one frame's detections: those scoring at least `high` can start and continue tracks,
   * the others only continue born ones. Detections without a box (a classifier's) are left out.
   */
  update(detections: readonly Detection[], high: number): void {
    this.#recycleEnded();
    this.#born.length = 0;
    const n = detections.length;
    this.#trackOf.length = n;
    for (let i = 0; i < n; i++) this.#trackOf[i] = undefined;
    if (this.#taken.length < n) this.#taken = new Uint8Array(n * 2);
    this.#taken.fill(0, 0, n);
    for (const track of this.#tracks) {
      predictFilter(track.filter);
      filterBox(track.filter, track.predicted);
      track.age++;
      track.matched = false;
    }
    this.#associate(detections, high, true);
    this.#associate(detections, high, false);
    this.#reappear(n);
    this.#settle();
    for (let i = 0; i < n; i++) {
      const d = detections[i]!;
      if (this.#taken[i] === 1 || d.box === undefined || d.score < high) continue;
      this.#start(i, d, d.box);
    }
  }

  /** Ends every born track (into `ended`) and forgets the tentative ones: the camera paused. */
  reset(): void {
    this.#recycleEnded();
    this.#born.length = 0;
    for (const track of this.#tracks) {
      if (track.confirmed) this.#ended.push(track);
      else this.#pool.push(track);
    }
    this.#tracks.length = 0;
    this.#trackOf.length = 0;
  }

  #recycleEnded(): void {
    for (const track of this.#ended) this.#pool.push(track);
    this.#ended.length = 0;
  }

  /**
   * One stage: the unmatched tracks that are born (`confirmed`: against every unmatched
   * detection) or tentative (against the unmatched ones scoring at least `high`).
   */
  #associate(detections: readonly Detection[], high: number, confirmed: boolean): void {
    const rows = this.#rows;
    rows.length = 0;
    for (const track of this.#tracks) if (track.confirmed === confirmed && !track.matched) rows.push(track);
    let cols = 0;
    const n = detections.length;
    if (this.#cols.length < n) this.#cols = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const d = detections[i]!;
      if (this.#taken[i] === 1 || d.box === undefined || (!confirmed && d.score < high)) continue;
      this.#cols[cols++] = i;
    }
    if (rows.length === 0 || cols === 0) return;
    const cost = this.#costs(detections, rows, cols);
    const match = this.#solve(cost, rows.length, cols);
    for (let r = 0; r < rows.length; r++) {
      const c = match[r]!;
      if (c < 0 || cost[r * cols + c]! >= INFEASIBLE) continue;
      const i = this.#cols[c]!;
      const track = rows[r]!;
      const d = detections[i]!;
      updateFilter(track.filter, d.box!);
      track.detected(d.score, d.box!);
      track.matched = true;
      this.#taken[i] = 1;
      this.#trackOf[i] = track;
    }
  }

  /** 1 - IoU of each row's predicted box with each column's detection; INFEASIBLE across labels or below the gate. */
  #costs(detections: readonly Detection[], rows: readonly Track[], cols: number): Float64Array {
    const cost = this.#costMatrix(rows.length * cols);
    const gate = this.#settings.iou;
    for (let r = 0; r < rows.length; r++) {
      const track = rows[r]!;
      for (let c = 0; c < cols; c++) {
        const d = detections[this.#cols[c]!]!;
        const overlap = d.label === track.label ? iou(track.predicted, d.box!) : 0;
        cost[r * cols + c] = overlap > 0 && overlap >= gate ? 1 - overlap : INFEASIBLE;
      }
    }
    return cost;
  }

  /**
   * Tentative tracks reaching `hits` in this update, before they are born: each one that a missing
   * born track of its label re-finds (reappear.ts) hands it its detection, state and all, and is
   * dropped, so the object keeps its id.
   */
  #reappear(n: number): void {
    const missing = this.#rows;
    missing.length = 0;
    const births = this.#births;
    births.length = 0;
    for (const track of this.#tracks) {
      if (!track.matched) {
        if (track.confirmed) missing.push(track);
      } else if (!track.confirmed && track.hits >= this.#settings.hits) births.push(track);
    }
    if (missing.length === 0 || births.length === 0) return;
    const cols = births.length;
    const cost = this.#costMatrix(missing.length * cols);
    for (let r = 0; r < missing.length; r++) {
      const track = missing[r]!;
      for (let c = 0; c < cols; c++) {
        const born = births[c]!;
        const distance =
          born.label === track.label ? reappearDistance(track.predicted, track.misses + 1, born.box) : -1;
        cost[r * cols + c] = distance < 0 ? INFEASIBLE : distance;
      }
    }
    const match = this.#solve(cost, missing.length, cols);
    for (let r = 0; r < missing.length; r++) {
      const c = match[r]!;
      if (c < 0 || cost[r * cols + c]! >= INFEASIBLE) continue;
      const track = missing[r]!;
      const born = births[c]!;
      // The new track's filter knows the object's motion since it came back; the old one's
      // velocity is from before it was hidden.
      track.filter.set(born.filter);
      track.detected(born.score, born.box);
      track.matched = true;
      born.matched = false; // a tentative track unmatched: dropped by #settle
      for (let i = 0; i < n; i++) if (this.#trackOf[i] === born) this.#trackOf[i] = track;
    }
  }

  /** The kept cost buffer, grown to hold `size` costs. */
  #costMatrix(size: number): Float64Array {
    if (this.#cost.length < size) this.#cost = new Float64Array(size * 2);
    return this.#cost;
  }

  /** Minimum-cost assignment of `rows` x `cols` into the kept match buffer (row r -> column, or -1). */
  #solve(cost: Float64Array, rows: number, cols: number): Int32Array {
    if (this.#match.length < rows) this.#match = new Int32Array(rows * 2);
    this.#assignment.solve(cost, rows, cols, this.#match);
    return this.#match;
  }

  /** After the stages: births, misses and deaths; the live list compacted in place. */
  #settle(): void {
    const { hits, misses } = this.#settings;
    let kept = 0;
    for (const track of this.#tracks) {
      if (track.matched) {
        if (!track.confirmed && track.hits >= hits) this.#confirm(track);
      } else if (!track.confirmed) {
        this.#pool.push(track);
        continue;
      } else {
        track.missed();
        if (track.misses >= misses || outOfFrame(track.box)) {
          this.#ended.push(track);
          continue;
        }
      }
      this.#tracks[kept++] = track;
    }
    this.#tracks.length = kept;
  }

  #confirm(track: Track): void {
    track.confirmed = true;
    track.id = this.#ids.next();
    this.#born.push(track);
  }

  #start(i: number, d: Detection, box: Box): void {
    const track = this.#pool.pop() ?? new Track();
    track.begin(d.label, d.classId, d.score, box);
    this.#tracks.push(track);
    this.#trackOf[i] = track;
    if (this.#settings.hits <= 1) this.#confirm(track);
  }
}
