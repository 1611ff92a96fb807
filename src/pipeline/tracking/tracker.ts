import type { Box, Detection } from '../../detection.js';
import { Assignment } from './assignment.js';
import { filterBox, predictFilter, updateFilter } from './box-filter.js';
import { iou, sizeChange } from './box-measures.js';
import { boxBehind, findOccluder, hideBehind, occluderOf } from './occlusion.js';
import { reappearDistance } from './reappear.js';
import { type MutableBox, Track, type TrackView } from './track.js';
import type { TrackIds } from './track-ids.js';

/**
 * A camera's multi-object tracker, after SORT and ByteTrack (https://arxiv.org/abs/1602.00763,
 * https://arxiv.org/abs/2110.06864): each track's box is predicted by a constant-velocity Kalman
 * filter (box-filter.ts), then matched to the frame's detections by IoU with minimum-cost
 * assignment (assignment.ts). As in ByteTrack, detections below the camera's threshold (down to
 * `tracking.low`) take part: an object half hidden scores lower, and its low score keeps its track
 * alive without publishing a detection the user's threshold refuses.
 *
 * One assignment takes every track, born and tentative, and every detection, by IoU alone; a
 * tentative track only takes a detection scoring at least the threshold. ByteTrack matches born
 * tracks first, then tentative ones, and high scores before low ones; on the drive of
 * bench/tracking.ts both orders handed a sign's track to a neighbour of its label in a frame
 * where the sign itself went undetected or scored low, while the neighbour's own new track fitted
 * the detection better. A pair is refused across labels (a sign is one kind of sign; a track
 * whose label flickers for one frame is missed that frame and coasts), below the IoU gate, and
 * when the detection is more than 1.5 times larger or smaller than the prediction: a sign does
 * not change size that much from one frame to the next, but a smaller sign behind it, coming out,
 * overlaps the prediction enough.
 *
 * High-score detections left over start tentative tracks; a tentative track is born after `hits`
 * frames in a row and dropped at its first miss, so a one-frame false detection never becomes a
 * track. A born track ends after `misses` frames in a row without a detection, or at once when,
 * missed, its predicted centre has left the frame.
 *
 * Re-finding (reappear.ts): a tentative track about to be born first looks for a missing born
 * track of its label, lost before the new one was first seen, where it now is; if one is near
 * enough, that track takes it over and keeps its id. A sign hidden behind a nearer one for longer
 * than the motion model can follow comes back as itself, not as a new object. With `hits` 1 a new
 * track is born at once, so nothing is re-found.
 *
 * Occlusion (occlusion.ts): a born track that goes missing behind objects detected in the same
 * frame remembers where it is relative to the one in front; while that one is tracked, the missed
 * frames do not count towards `misses` (up to `misses` of them: such a track ends after at most
 * twice `misses`), and re-finding also looks for it at that place.
 *
 * Tracks are pooled and every buffer is kept between frames: an update allocates nothing but
 * the id string of a track that is born.
 */

export interface TrackerSettings {
  /** Frames in a row a new object must be detected in before it is born (gets an id). */
  readonly hits: number;
  /** Frames in a row a born track may be missed; at this many, it ends (hidden frames aside, tracker.ts). */
  readonly misses: number;
  /** Smallest IoU between a track's predicted box and a detection for them to match. */
  readonly iou: number;
}

/** A cost above any 1 - IoU: a pair that may not match (so the solver pairs feasible ones first). */
const INFEASIBLE = 1e6;

/** Largest change of size (sizeChange) between a track's prediction and its detection: 1.5x. */
const MAX_SIZE_CHANGE = Math.log(1.5);

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
  /** Where a hidden track is by its occluder (re-finding's scratch box). */
  readonly #behind: MutableBox = { x: 0, y: 0, w: 0, h: 0 };

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
    for (const track of this.#tracks) {
      predictFilter(track.filter);
      filterBox(track.filter, track.predicted);
      track.age++;
      track.matched = false;
    }
    this.#associate(detections, high);
    this.#reappear(n);
    this.#settle();
    for (let i = 0; i < n; i++) {
      const d = detections[i]!;
      if (this.#trackOf[i] !== undefined || d.box === undefined || d.score < high) continue;
      this.#start(i, d, d.box);
    }
  }

  /** Ends every born track (into `ended`) and forgets the tentative ones: the camera paused. */
  reset(): void {
    this.#recycleEnded();
    this.#born.length = 0;
    for (const track of this.#tracks) {
      track.end();
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

  /** Every track against every detection with a box, in one minimum-cost assignment. */
  #associate(detections: readonly Detection[], high: number): void {
    const rows = this.#tracks;
    let cols = 0;
    const n = detections.length;
    if (this.#cols.length < n) this.#cols = new Int32Array(n * 2);
    for (let i = 0; i < n; i++) if (detections[i]!.box !== undefined) this.#cols[cols++] = i;
    if (rows.length === 0 || cols === 0) return;
    const cost = this.#costs(detections, high, cols);
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
      this.#trackOf[i] = track;
    }
  }

  /**
   * 1 - IoU of each track's predicted box with each column's detection; INFEASIBLE across labels,
   * below the gate, past the size change, and for a tentative track a score below `high`.
   */
  #costs(detections: readonly Detection[], high: number, cols: number): Float64Array {
    const rows = this.#tracks;
    const cost = this.#costMatrix(rows.length * cols);
    const gate = this.#settings.iou;
    for (let r = 0; r < rows.length; r++) {
      const track = rows[r]!;
      for (let c = 0; c < cols; c++) {
        const d = detections[this.#cols[c]!]!;
        const feasible =
          d.label === track.label &&
          (track.confirmed || d.score >= high) &&
          sizeChange(track.predicted, d.box!) <= MAX_SIZE_CHANGE;
        const overlap = feasible ? iou(track.predicted, d.box!) : 0;
        cost[r * cols + c] = overlap > 0 && overlap >= gate ? 1 - overlap : INFEASIBLE;
      }
    }
    return cost;
  }

  /**
   * Tentative tracks reaching `hits` in this update, before they are born: each one that a missing
   * born track of its label re-finds (reappear.ts) hands it its detection, state and all, and is
   * dropped, so the object keeps its id. Only a track lost before the new one was first seen can
   * re-find it (two tracks seen in one frame are two objects); a hidden track is looked for both
   * where its own motion and where its occluder puts it, whichever is nearer.
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
          born.label === track.label && track.misses + 1 >= born.age ? this.#refind(track, born.box) : -1;
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

  /** reappearDistance of a missing track to `box`, by its own prediction or its occluder's place. */
  #refind(track: Track, box: Box): number {
    const own = reappearDistance(track.predicted, track.misses + 1, box);
    // Behind its occluder it is where it was a frame after its loss, as far as the occluder goes.
    const behind = boxBehind(track, this.#behind) ? reappearDistance(this.#behind, 1, box) : -1;
    return own < 0 || (behind >= 0 && behind < own) ? behind : own;
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

  /** After the matching: births, misses and deaths; the live list compacted in place. */
  #settle(): void {
    const { hits, misses } = this.#settings;
    // Misses first, while the list is whole: whether a track is hidden depends on the others.
    for (const track of this.#tracks) {
      if (track.matched || !track.confirmed) continue;
      track.missed();
      this.#hide(track);
    }
    let kept = 0;
    for (const track of this.#tracks) {
      if (track.matched) {
        if (!track.confirmed && track.hits >= hits) this.#confirm(track);
      } else if (!track.confirmed) {
        track.end();
        this.#pool.push(track);
        continue;
      } else if (track.misses - Math.min(track.hidden, misses) >= misses || outOfFrame(track.box)) {
        track.end();
        this.#ended.push(track);
        continue;
      }
      this.#tracks[kept++] = track;
    }
    this.#tracks.length = kept;
  }

  /**
   * A born track just missed: at its first miss, whether detected objects hide it (occlusion.ts);
   * then, each missed frame its occluder is still tracked, one more hidden frame.
   */
  #hide(track: Track): void {
    if (track.misses === 1) {
      const occluder = findOccluder(track.box, this.#tracks);
      if (occluder !== undefined) hideBehind(track, occluder);
    }
    if (occluderOf(track) !== undefined) track.hidden++;
    else track.occluder = undefined;
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
