import type { Box, CrossingDirection, LineCrossing } from '../detection.js';
import type { TrackView } from './tracking/track.js';

/**
 * Counting lines: a tracked object crosses a line when its anchor (its box's bottom centre, where
 * it stands, as zones use) goes from one side of the line to the other and the step between the
 * two sightings passes between the line's ends. The side is the sign of the cross product of
 * from -> to with from -> anchor: positive is the right of from -> to as seen in the picture (y
 * grows downwards), so `in` is left to right. An anchor exactly on the line (cross product 0) has
 * no side and changes nothing: left, on, right counts one `in` (at the frame on the right); left,
 * on, left counts nothing. A track's first side comes from the box it was first seen with, so a
 * crossing during the frames before it was confirmed still counts. Only frames it was detected in
 * move it (not the motion model's guesses while it is missed).
 */

/** A counting line (the config's `lines.<name>` fits, with its name). */
export interface CountingLine {
  readonly name: string;
  readonly from: readonly [number, number];
  readonly to: readonly [number, number];
  /** Which crossings count. */
  readonly direction: 'both' | CrossingDirection;
}

/** Per track and line: the last side its anchor was on (-1, 1; 0 not yet known) and where. */
interface TrackSides {
  readonly side: Int8Array;
  readonly at: Float64Array;
}

/**
 * Which side of `line` the point is on: > 0 right of from -> to (in the picture), < 0 left, 0 on it.
 * @example sideOf({ name: 'door', from: [0, 0.5], to: [1, 0.5], direction: 'both' }, 0.5, 0.8) // 0.3 (below: right)
 */
export function sideOf(line: CountingLine, x: number, y: number): number {
  const [ax, ay] = line.from;
  const [bx, by] = line.to;
  return (bx - ax) * (y - ay) - (by - ay) * (x - ax);
}

/**
 * Whether the step from (x0, y0) (cross product s0) to (x1, y1) (s1, of the other sign) crosses the
 * line between its ends (or at one).
 */
function withinEnds(
  line: CountingLine,
  x0: number,
  y0: number,
  s0: number,
  x1: number,
  y1: number,
  s1: number,
) {
  const r = s0 / (s0 - s1);
  const x = x0 + r * (x1 - x0);
  const y = y0 + r * (y1 - y0);
  const [ax, ay] = line.from;
  const dx = line.to[0] - ax;
  const dy = line.to[1] - ay;
  const t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy);
  return t >= 0 && t <= 1;
}

/**
 * @example const lines = new LineCrossings([{ name: 'door', from: [0, 0.6], to: [1, 0.6], direction: 'both' }]); lines.update(frame, tracker.tracks, tracker.ended)
 */
export class LineCrossings {
  readonly #lines: readonly CountingLine[];
  readonly #tracks = new Map<string, TrackSides>();

  constructor(lines: readonly CountingLine[]) {
    this.#lines = lines;
  }

  get lines(): readonly CountingLine[] {
    return this.#lines;
  }

  /** One frame after the tracker's update; returns the crossings it saw (none without lines). */
  update(
    frame: { readonly seq: number; readonly timestamp: number },
    tracks: readonly TrackView[],
    ended: readonly TrackView[],
  ): LineCrossing[] {
    const out: LineCrossing[] = [];
    if (this.#lines.length === 0) return out;
    for (const track of ended) if (track.id !== undefined) this.#tracks.delete(track.id);
    for (const track of tracks) {
      if (!track.confirmed || track.id === undefined || track.misses > 0) continue;
      let sides = this.#tracks.get(track.id);
      if (sides === undefined) {
        const n = this.#lines.length;
        sides = { side: new Int8Array(n), at: new Float64Array(n * 2) };
        this.#tracks.set(track.id, sides);
        this.#move(sides, track.firstBox, undefined, frame, out);
      }
      this.#move(sides, track.box, track, frame, out);
    }
    return out;
  }

  /** Forgets every track (the camera paused or stopped: its tracks end). */
  reset(): void {
    this.#tracks.clear();
  }

  /**
   * The anchor of `box` seen: each line whose side it changed across its extent is crossed, and
   * the crossing goes to `out` (unless `track` is undefined: its first box only sets its sides).
   */
  #move(
    sides: TrackSides,
    box: Box,
    track: TrackView | undefined,
    frame: { readonly seq: number; readonly timestamp: number },
    out: LineCrossing[],
  ): void {
    const x = box.x + box.w / 2;
    const y = box.y + box.h;
    for (let i = 0; i < this.#lines.length; i++) {
      const line = this.#lines[i]!;
      const s = sideOf(line, x, y);
      if (s === 0) continue;
      const now = s > 0 ? 1 : -1;
      const before = sides.side[i]!;
      if (before !== 0 && before !== now && track !== undefined) {
        const x0 = sides.at[i * 2]!;
        const y0 = sides.at[i * 2 + 1]!;
        if (withinEnds(line, x0, y0, sideOf(line, x0, y0), x, y, s)) {
          const direction: CrossingDirection = now > 0 ? 'in' : 'out';
          if (line.direction === 'both' || line.direction === direction) {
            const { seq, timestamp } = frame;
            out.push({
              line: line.name,
              objectId: track.id!,
              label: track.label,
              direction,
              frame: { seq, timestamp },
            });
          }
        }
      }
      sides.side[i] = now;
      sides.at[i * 2] = x;
      sides.at[i * 2 + 1] = y;
    }
  }
}
