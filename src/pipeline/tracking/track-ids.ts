/**
 * Track ids: `<run>-<n>`, n counting the tracks born in this run of the camera from 1, and `run`
 * a number the daemon keeps in its state directory and raises at every camera start
 * (daemon/track-run.ts). So an id is never given twice by one camera, across camera restarts and
 * daemon restarts alike, without a clock (a board without a real-time clock can boot in the past).
 * @example const ids = new TrackIds(7); ids.next() // '7-1'
 */
export class TrackIds {
  #n = 0;

  constructor(readonly run: number) {}

  /** The next id (one string per track born: the only allocation a birth makes). */
  next(): string {
    this.#n++;
    return `${this.run}-${this.#n}`;
  }
}
