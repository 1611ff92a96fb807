import type { Box } from '../../detection.js';
import { FILTER_SIZE, filterBox, initFilter } from './box-filter.js';

/**
 * One tracked object as the tracker reports it: what per-object events and counting lines build
 * on. A view into the tracker's pooled state, valid until its next update (copy what you keep).
 */
export interface TrackView {
  /** Unique per camera across restarts; undefined while the track is tentative (not yet born). */
  readonly id: string | undefined;
  readonly label: string;
  readonly classId: number;
  /** The latest detection's box, or the motion model's prediction while the object is missed. */
  readonly box: Box;
  /** The box it was first seen with. */
  readonly firstBox: Box;
  /** The latest detection's score. */
  readonly score: number;
  /** The best score seen, and the box it came with. */
  readonly bestScore: number;
  readonly bestBox: Box;
  /** Frames since first seen, this one included (missed frames count). */
  readonly age: number;
  /** Frames it was detected in. */
  readonly hits: number;
  /** Frames in a row it has been missed (0 when detected in this one). */
  readonly misses: number;
  /** Born (hits reached `tracking.hits`): it has an id. */
  readonly confirmed: boolean;
}

/** A mutable box, so that a pooled track keeps its boxes between lives. */
export interface MutableBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

function copyBox(to: MutableBox, from: Box): void {
  to.x = from.x;
  to.y = from.y;
  to.w = from.w;
  to.h = from.h;
}

/** A track's state; pooled, so that a frame's births and deaths allocate nothing. */
export class Track implements TrackView {
  id: string | undefined = undefined;
  label = '';
  classId = 0;
  readonly box: MutableBox = { x: 0, y: 0, w: 0, h: 0 };
  readonly firstBox: MutableBox = { x: 0, y: 0, w: 0, h: 0 };
  readonly bestBox: MutableBox = { x: 0, y: 0, w: 0, h: 0 };
  /** Where the motion model expects it this frame (what detections are matched against). */
  readonly predicted: MutableBox = { x: 0, y: 0, w: 0, h: 0 };
  score = 0;
  bestScore = 0;
  age = 0;
  hits = 0;
  misses = 0;
  confirmed = false;
  /** Matched in this update (the tracker's bookkeeping between its steps). */
  matched = false;
  /** In the tracker's list (false once ended, while it waits in the pool). */
  live = false;
  /** While missed: the object it went missing behind (occlusion.ts), with that object's id then. */
  occluder: Track | undefined = undefined;
  occluderId: string | undefined = undefined;
  /** Its place relative to the occluder: centre offset and size, in the occluder's sizes. */
  readonly behind: MutableBox = { x: 0, y: 0, w: 0, h: 0 };
  /** Of its missed frames in a row, how many its occluder was still tracked in. */
  hidden = 0;
  /** The Kalman filter's state (box-filter.ts). */
  readonly filter = new Float64Array(FILTER_SIZE);

  /** Starts a life as a tentative track at a detection. */
  begin(label: string, classId: number, score: number, box: Box): void {
    this.id = undefined;
    this.label = label;
    this.classId = classId;
    this.score = score;
    this.bestScore = score;
    this.age = 1;
    this.hits = 1;
    this.misses = 0;
    this.confirmed = false;
    this.matched = true;
    this.live = true;
    this.occluder = undefined;
    this.hidden = 0;
    copyBox(this.box, box);
    copyBox(this.firstBox, box);
    copyBox(this.bestBox, box);
    copyBox(this.predicted, box);
    initFilter(this.filter, box);
  }

  /** A detection matched it this frame (after the filter's correction). */
  detected(score: number, box: Box): void {
    this.score = score;
    this.hits++;
    this.misses = 0;
    this.occluder = undefined;
    this.hidden = 0;
    copyBox(this.box, box);
    if (score > this.bestScore) {
      this.bestScore = score;
      copyBox(this.bestBox, box);
    }
  }

  /** Nothing matched it this frame: it stays where the motion model puts it. */
  missed(): void {
    this.misses++;
    filterBox(this.filter, this.box);
  }

  /** It ended: out of the tracker's list (its view stays readable until the next update). */
  end(): void {
    this.live = false;
    this.occluder = undefined;
  }
}
