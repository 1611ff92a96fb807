import type { ZonePolygon } from '../config/detection-schema.js';
import type { Box, EndReason, ObjectChange, ObjectEvent, ObjectPath } from '../detection.js';
import type { TrackView } from './tracking/track.js';
import { insidePolygon } from './zones.js';

/**
 * Per-object events (`events.level: object`), from the tracker's confirmed tracks: a track's birth
 * is its object's `start`, its death (after `tracking.misses` missed frames, up to twice that for
 * one hidden behind another tracked object) its `end`, with the path it took. Between them an
 * `update` says its label or its zones changed (at once), or that it was seen with a better score
 * than its last snapshot (at most once per `snapshotInterval`, so that a slowly sharpening sign
 * does not flood the outbox). The tracker's birth after N hits and death
 * after M misses are the hysteresis here, as the smoothed score is for label events.
 */

export interface ObjectEventSettings {
  /** Named polygons (the camera's zones): an object is in one when its box's bottom centre is. */
  readonly zones: Readonly<Record<string, ZonePolygon>>;
  /** Seconds between two `update`s for a better score of one object (0: none). */
  readonly snapshotInterval: number;
}

interface OpenObject {
  label: string;
  readonly startedAt: number;
  readonly firstBox: Box;
  lastBox: Box;
  /** The zones it is in now (at its last detection). */
  zones: readonly string[];
  /** Every zone it has been in, in the order first entered. */
  readonly visited: string[];
  bestScore: number;
  bestBox: Box;
  /** The score of the sighting its last start or snapshot update reported. */
  reported: number;
  /** When that was (frame time, ms). */
  reportedAt: number;
}

type FrameRef = { readonly seq: number; readonly timestamp: number };

const copy = (b: Box): Box => ({ x: b.x, y: b.y, w: b.w, h: b.h });

/**
 * @example const objects = new ObjectEvents({ zones: {}, snapshotInterval: 5 }); objects.update(frame, tracker.tracks, tracker.ended)
 */
export class ObjectEvents {
  #settings: ObjectEventSettings;
  #zoneNames: string[];
  readonly #open = new Map<string, OpenObject>();
  /** Open objects per label (the `count` of an event). */
  readonly #counts = new Map<string, number>();
  /** The zones of the box being looked at (reused: a frame without changes allocates nothing). */
  readonly #scratch: string[] = [];

  constructor(settings: ObjectEventSettings) {
    this.#settings = settings;
    this.#zoneNames = Object.keys(settings.zones);
  }

  /** New zones or interval, from the next frame; open objects stay open. */
  configure(settings: ObjectEventSettings): void {
    this.#settings = settings;
    this.#zoneNames = Object.keys(settings.zones);
  }

  /** How many objects are open. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * One frame after the tracker's update: `tracks` its live tracks, `ended` those that ended in it.
   * Returns the ends first (in the tracker's order), then starts and updates (oldest track first).
   */
  update(frame: FrameRef, tracks: readonly TrackView[], ended: readonly TrackView[]): ObjectEvent[] {
    const events: ObjectEvent[] = [];
    for (const track of ended) {
      if (track.id === undefined) continue;
      const open = this.#open.get(track.id);
      if (open !== undefined) events.push(this.#end(frame, track.id, open, 'gone'));
    }
    for (const track of tracks) {
      if (!track.confirmed || track.id === undefined) continue;
      const open = this.#open.get(track.id);
      if (open === undefined) events.push(this.#start(frame, track, track.id));
      else if (track.misses === 0) {
        const event = this.#seen(frame, track, track.id, open);
        if (event !== undefined) events.push(event);
      }
    }
    return events;
  }

  /** Ends every open object (the camera paused or stopped); none is open afterwards. */
  endAll(frame: FrameRef, reason: EndReason): ObjectEvent[] {
    return [...this.#open].map(([id, open]) => this.#end(frame, id, open, reason));
  }

  #start(frame: FrameRef, track: TrackView, id: string): ObjectEvent {
    const zones = [...this.#zonesOf(track.box)];
    const open: OpenObject = {
      label: track.label,
      startedAt: frame.timestamp,
      firstBox: copy(track.firstBox),
      lastBox: copy(track.box),
      zones,
      visited: [...zones],
      bestScore: track.bestScore,
      bestBox: copy(track.bestBox),
      reported: track.score,
      reportedAt: frame.timestamp,
    };
    this.#open.set(id, open);
    const count = (this.#counts.get(open.label) ?? 0) + 1;
    this.#counts.set(open.label, count);
    return {
      type: 'start',
      objectId: id,
      label: open.label,
      frame: { seq: frame.seq, timestamp: frame.timestamp },
      score: track.score,
      count,
      startedAt: open.startedAt,
      box: open.lastBox,
      zones,
      path: pathOf(open),
    };
  }

  /** A frame the object was detected in: an update when its label or zones changed, or its snapshot is due. */
  #seen(frame: FrameRef, track: TrackView, id: string, open: OpenObject): ObjectEvent | undefined {
    const box = track.box;
    open.lastBox = copy(box);
    if (track.bestScore > open.bestScore) {
      open.bestScore = track.bestScore;
      open.bestBox = copy(track.bestBox);
    }
    const changed: ObjectChange[] = [];
    if (track.label !== open.label) {
      this.#moveCount(open.label, track.label);
      open.label = track.label;
      changed.push('label');
    }
    const zones = this.#zonesOf(box);
    if (!sameList(zones, open.zones)) {
      open.zones = [...zones];
      for (const zone of zones) if (!open.visited.includes(zone)) open.visited.push(zone);
      changed.push('zones');
    }
    const interval = this.#settings.snapshotInterval * 1000;
    if (interval > 0 && track.score > open.reported && frame.timestamp - open.reportedAt >= interval) {
      open.reported = track.score;
      open.reportedAt = frame.timestamp;
      changed.push('snapshot');
    }
    if (changed.length === 0) return undefined;
    return {
      type: 'update',
      objectId: id,
      label: open.label,
      frame: { seq: frame.seq, timestamp: frame.timestamp },
      score: open.bestScore,
      count: this.#counts.get(open.label) ?? 1,
      startedAt: open.startedAt,
      box: open.lastBox,
      zones: open.zones,
      changed,
      path: pathOf(open),
    };
  }

  #end(frame: FrameRef, id: string, open: OpenObject, reason: EndReason): ObjectEvent {
    this.#open.delete(id);
    const count = Math.max(0, (this.#counts.get(open.label) ?? 1) - 1);
    if (count === 0) this.#counts.delete(open.label);
    else this.#counts.set(open.label, count);
    return {
      type: 'end',
      objectId: id,
      label: open.label,
      frame: { seq: frame.seq, timestamp: frame.timestamp },
      score: open.bestScore,
      count,
      startedAt: open.startedAt,
      box: open.lastBox,
      zones: open.zones,
      path: pathOf(open),
      reason,
    };
  }

  #moveCount(from: string, to: string): void {
    const left = (this.#counts.get(from) ?? 1) - 1;
    if (left <= 0) this.#counts.delete(from);
    else this.#counts.set(from, left);
    this.#counts.set(to, (this.#counts.get(to) ?? 0) + 1);
  }

  /** The zones a box's bottom centre is in, in the config's order (a view, valid until the next call). */
  #zonesOf(box: Box): readonly string[] {
    const out = this.#scratch;
    out.length = 0;
    const x = box.x + box.w / 2;
    const y = box.y + box.h;
    for (const name of this.#zoneNames) if (insidePolygon(x, y, this.#settings.zones[name]!)) out.push(name);
    return out;
  }
}

/** The path so far (its zones copied: the open object goes on adding to them). */
function pathOf(open: OpenObject): ObjectPath {
  const { firstBox, lastBox, bestScore, bestBox } = open;
  return { firstBox, lastBox, zones: [...open.visited], bestScore, bestBox };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
