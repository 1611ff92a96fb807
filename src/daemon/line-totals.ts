import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { LineCrossing } from '../detection.js';
import type { LineTotals } from '../publish/payloads.js';
import type { Clock } from '../time/clock.js';
import { writeAtomically } from './open-events-store.js';

/**
 * A camera's counting-line totals: per line, direction and label, since the last reset, kept in
 * `<stateDir>/counts/<camera>.json` (written whole and renamed over, at each count and reset), so
 * that a restart goes on from them. With `reset: midnight` they start again from 0 at local
 * midnight (a timer; and at start when the file is from an earlier day); a command resets them at
 * any time. Each change publishes the line's totals (retained).
 */

const tallySchema = z.record(z.string(), z.number().int().nonnegative());
const fileSchema = z.object({
  v: z.literal(1),
  camera: z.string(),
  since: z.number().int().nonnegative(),
  lines: z.record(z.string(), z.object({ in: tallySchema, out: tallySchema })),
});

interface Tally {
  in: Record<string, number>;
  out: Record<string, number>;
}

export interface LineTotalsOptions {
  readonly stateDir: string;
  readonly camera: string;
  /** The camera's line names (totals of other lines in the file are dropped). */
  readonly lines: readonly string[];
  readonly reset: 'midnight' | 'never';
  readonly clock: Clock;
  /** Publishes a line's totals (retained). */
  readonly publish: (line: string, totals: LineTotals) => Promise<unknown>;
  /** A read or write of the file failed (the totals go on in memory). */
  readonly onError: (err: unknown) => void;
}

/** Local midnight at the start of the day `ms` is in. */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The next local midnight after `ms` (a day is 23 or 25 hours at a daylight-saving change). */
export function nextMidnight(ms: number): number {
  const d = new Date(ms);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}

/**
 * @example const totals = await CameraLineTotals.open({ stateDir, camera: 'front', lines: ['door'], reset: 'midnight', clock, publish, onError }); await totals.add(crossing)
 */
export class CameraLineTotals {
  readonly file: string;
  readonly #options: LineTotalsOptions;
  #since: number;
  readonly #lines = new Map<string, Tally>();
  #writes: Promise<void> = Promise.resolve();
  #cancelTimer: (() => void) | undefined;

  private constructor(options: LineTotalsOptions, since: number) {
    this.#options = options;
    this.file = join(options.stateDir, 'counts', `${options.camera}.json`);
    this.#since = since;
    for (const line of options.lines) this.#lines.set(line, { in: {}, out: {} });
  }

  /** Reads the totals kept (none, or from an earlier day with reset midnight: from 0), and arms the midnight reset. */
  static async open(options: LineTotalsOptions): Promise<CameraLineTotals> {
    const now = options.clock.now();
    const totals = new CameraLineTotals(options, now);
    const kept = await totals.#read();
    const stale = kept !== undefined && options.reset === 'midnight' && kept.since < startOfDay(now);
    if (kept !== undefined && !stale) {
      totals.#since = kept.since;
      for (const [line, tally] of Object.entries(kept.lines))
        if (totals.#lines.has(line)) totals.#lines.set(line, { in: { ...tally.in }, out: { ...tally.out } });
    } else if (stale) totals.#since = startOfDay(now);
    totals.#armMidnight();
    return totals;
  }

  /** When the totals started from 0. */
  get since(): number {
    return this.#since;
  }

  /** A line's totals now (undefined for a line the camera does not have). */
  of(line: string): LineTotals | undefined {
    const tally = this.#lines.get(line);
    return tally === undefined
      ? undefined
      : { since: this.#since, in: { ...tally.in }, out: { ...tally.out } };
  }

  /** Counts a crossing: stored, then the line's totals published. */
  async add(crossing: LineCrossing): Promise<void> {
    if (!this.#lines.has(crossing.line)) return;
    // A midnight the timer missed (the clock was set after the timer was armed: a board without a
    // real-time clock boots in the past) resets the totals before this count.
    const today = startOfDay(this.#options.clock.now());
    if (this.#options.reset === 'midnight' && this.#since < today) {
      this.#cancelTimer?.();
      this.#armMidnight();
      await this.reset(today);
    }
    const tally = this.#lines.get(crossing.line)!;
    const side = tally[crossing.direction];
    side[crossing.label] = (side[crossing.label] ?? 0) + 1;
    await this.#save();
    await this.#options.publish(crossing.line, this.of(crossing.line)!);
  }

  /** Every line from 0, since `at` (now by default); stored, then every line's totals published. */
  async reset(at = this.#options.clock.now()): Promise<void> {
    this.#since = at;
    for (const line of this.#lines.keys()) this.#lines.set(line, { in: {}, out: {} });
    await this.#save();
    await this.publishAll();
  }

  /** Publishes every line's totals (at start: the retained ones may be gone from the broker). */
  async publishAll(): Promise<void> {
    for (const line of this.#lines.keys()) await this.#options.publish(line, this.of(line)!);
  }

  /** Stops the midnight timer and waits for the last write. */
  async close(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#writes;
  }

  #armMidnight(): void {
    if (this.#options.reset !== 'midnight') return;
    const { clock } = this.#options;
    const at = nextMidnight(clock.now());
    this.#cancelTimer = clock.setTimeout(() => {
      this.#armMidnight();
      this.reset(at).catch((err: unknown) => this.#options.onError(err));
    }, at - clock.now());
  }

  async #read(): Promise<z.infer<typeof fileSchema> | undefined> {
    try {
      return fileSchema.parse(JSON.parse(await readFile(this.file, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#options.onError(err);
      return undefined;
    }
  }

  /** Writes the totals as they are now, after the writes before; a failure is reported, never thrown. */
  #save(): Promise<void> {
    const content = {
      v: 1,
      camera: this.#options.camera,
      since: this.#since,
      lines: Object.fromEntries(this.#lines),
    };
    const text = `${JSON.stringify(content)}\n`;
    this.#writes = this.#writes
      .then(async () => {
        await mkdir(join(this.#options.stateDir, 'counts'), { recursive: true });
        await writeAtomically(this.file, text);
      })
      .catch((err: unknown) => this.#options.onError(err));
    return this.#writes;
  }
}
