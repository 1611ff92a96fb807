import type { Box } from '../../detection.js';
import { overlapArea } from './box-measures.js';
import type { MutableBox, Track } from './track.js';

/**
 * Where a track hidden behind another object is: the tracker's memory of occlusions
 * (tracker.ts). A road sign behind a nearer one moves and grows across the image far more than its
 * own constant-velocity motion says: a far sign's velocity, measured over its few frames in view,
 * is near zero, and 30 frames later it is twice the size and a tenth of the frame away. It moves
 * much as the sign in front of it does. So a born track that goes missing with at least half of
 * its predicted box behind born objects detected in the same frame keeps its place relative to
 * the one covering most of it (offset and size, in that object's sizes) for as long as that
 * object is tracked; the tracker then lets it stay missing longer and looks for it there as well
 * as where its own motion puts it (`npm run bench:tracking -- --seeds 4-13`, seeds it was not
 * tuned on: 19 ID switches on the drive without this, 10 with it).
 */

/** Fraction of a missing track's predicted box that detected objects must cover to hide it. */
export const HIDDEN_COVER = 0.5;

/**
 * The born track detected in this update (`matched`) that hides most of `box`, when such tracks
 * together cover at least HIDDEN_COVER of it (a sign can hide behind a pair on one post); else
 * undefined.
 */
export function findOccluder(box: Box, tracks: readonly Track[]): Track | undefined {
  let best: Track | undefined;
  let most = 0;
  let total = 0;
  for (const other of tracks) {
    if (!other.matched || !other.confirmed) continue;
    const area = overlapArea(box, other.box);
    total += area;
    if (area > most) {
      most = area;
      best = other;
    }
  }
  return total >= HIDDEN_COVER * box.w * box.h ? best : undefined;
}

/** Records `track` (its box now) as hidden behind `occluder` (its box now). */
export function hideBehind(track: Track, occluder: Track): void {
  const o = occluder.box;
  const b = track.box;
  track.occluder = occluder;
  track.occluderId = occluder.id;
  track.behind.x = (b.x + b.w / 2 - (o.x + o.w / 2)) / o.w;
  track.behind.y = (b.y + b.h / 2 - (o.y + o.h / 2)) / o.h;
  track.behind.w = b.w / o.w;
  track.behind.h = b.h / o.h;
}

/** The track's occluder while that is still the same live, born object; else undefined. */
export function occluderOf(track: Track): Track | undefined {
  const o = track.occluder;
  return o?.live && o.confirmed && o.id === track.occluderId ? o : undefined;
}

/**
 * Where a hidden track is now, by its occluder's box now, into `out`; false (and `out` untouched)
 * when it has no occluder any more.
 * @example if (boxBehind(track, scratch)) reappearDistance(scratch, 1, found)
 */
export function boxBehind(track: Track, out: MutableBox): boolean {
  const occluder = occluderOf(track);
  if (occluder === undefined) return false;
  const o = occluder.box;
  out.w = track.behind.w * o.w;
  out.h = track.behind.h * o.h;
  out.x = o.x + o.w / 2 + track.behind.x * o.w - out.w / 2;
  out.y = o.y + o.h / 2 + track.behind.y * o.h - out.h / 2;
  return true;
}
