/**
 * Frames per second over the last few seconds: frames counted in fixed time slots, divided by the
 * time they cover. A rate of frames over time, unlike a mean of 1000 / interval per frame, which
 * reads 10 frames/s arriving in pairs 1 ms apart as about 500 (the 1 ms intervals dominate it).
 * A stream that stops reads 0 once its frames leave the window. Allocates nothing per frame.
 * @example const rate = new FrameRate(); rate.tick(clock.now()); rate.perSecond(clock.now()) // 10
 */
export class FrameRate {
  readonly #slotMs: number;
  readonly #counts: Uint32Array;
  /** The newest slot's number (time / slotMs); the counts hold it and the slots just before it. */
  #newest = Number.NEGATIVE_INFINITY;
  /** The first frame's time: the window starts no earlier, so a new stream is not read too slow. */
  #firstAt: number | undefined;

  /** A window of `windowMs`, counted in `slots` slots (the window read is 1 to 1 - 1/slots of it). */
  constructor(windowMs = 5000, slots = 10) {
    this.#slotMs = windowMs / slots;
    this.#counts = new Uint32Array(slots);
  }

  /** Counts a frame at `now` (milliseconds). */
  tick(now: number): void {
    this.#advance(now);
    this.#firstAt ??= now;
    this.#counts[this.#newest % this.#counts.length]!++;
  }

  /** Frames per second over the window ending at `now`; 0 before the first frame. */
  perSecond(now: number): number {
    this.#advance(now);
    if (this.#firstAt === undefined) return 0;
    const oldest = this.#newest - this.#counts.length + 1;
    const span = now - Math.max(this.#firstAt, oldest * this.#slotMs);
    if (span <= 0) return 0;
    let frames = 0;
    for (const count of this.#counts) frames += count;
    return (frames * 1000) / span;
  }

  /** Moves the window to `now`'s slot, emptying the slots it passes. */
  #advance(now: number): void {
    const slot = Math.floor(now / this.#slotMs);
    if (slot < this.#newest) {
      // The clock went back (the wall clock was set): start over rather than read a window in the future.
      this.#counts.fill(0);
      this.#firstAt = undefined;
      this.#newest = slot;
      return;
    }
    const from = Math.max(this.#newest + 1, slot - this.#counts.length + 1);
    for (let s = from; s <= slot; s++) this.#counts[s % this.#counts.length] = 0;
    this.#newest = slot;
  }
}
