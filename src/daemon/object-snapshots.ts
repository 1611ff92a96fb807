import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { codeUnitOrder } from '../code-unit-order.js';
import type { Detection } from '../detection.js';
import type { Frame } from '../frame.js';
import type { ObjectSnapshotOp } from '../health/metrics.js';
import { annotate } from '../inference/annotate.js';
import type { Tasks } from './tasks.js';

/**
 * One camera's best snapshot per object (`events.level: object`): each snapshot-worthy event of
 * an object (its start, an update for a better sighting) has its frame, with that object boxed,
 * written to `<dir>/<object>.jpg` (a temp file, synced, then renamed over the earlier one, so a
 * reader or a crash sees the old JPEG or the new one, never half of one).
 *
 * Bounded work: one encode in flight; while it runs, each object keeps only its latest request,
 * and at most `maxPending` objects wait (the one waiting longest is dropped, and counted, beyond
 * that). Events never wait for any of it: the work runs as one of the daemon's tasks, which a
 * stop waits for. Bounded disk: at most `keep` objects' files, the least recently written deleted
 * first; the files found at start are indexed by mtime, so the bound holds across restarts. A
 * failure (full disk, read-only folder) is handed to `failed` and never thrown.
 */

/** What an object's snapshot is made of: the frame, and the object's own detection to box. */
export interface ObjectSnapshot {
  readonly frame: Frame;
  readonly detections: readonly Detection[];
}

/** Object ids (the tracker's `<run>-<n>`) that can name a file: nothing that could leave the folder. */
export const OBJECT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.jpg$/;

/** Objects waiting for the encode in flight, at most (each a frame held in memory). */
export const MAX_PENDING = 4;

export interface ObjectSnapshotsOptions {
  /** `<stateDir>/snapshots/<camera>` (made at the first write). */
  readonly dir: string;
  /** The most objects kept (1 or more). */
  readonly keep: number;
  readonly tasks: Tasks;
  /** Hears each request dropped because more than maxPending objects waited. */
  readonly dropped: { inc(): void };
  /** Hears each failure (the caller counts and logs it); the store goes on. */
  readonly failed: (op: ObjectSnapshotOp, err: unknown) => void;
  readonly maxPending?: number;
  /** Makes the JPEG (default: annotate, quality 80, as the MQTT snapshot). */
  readonly encode?: (snapshot: ObjectSnapshot) => Promise<Buffer>;
}

/** The JPEG of a frame with the given detections drawn (quality 80, as the camera's MQTT snapshot). */
function annotatedJpeg({ frame, detections }: ObjectSnapshot): Promise<Buffer> {
  return annotate(frame, detections).jpeg({ quality: 80 }).toBuffer();
}

/**
 * @example const store = await ObjectSnapshots.open({ dir, keep: 100, tasks, dropped, failed }); store.offer('3-7', { frame, detections })
 */
export class ObjectSnapshots {
  /** Objects with a file, least recently written first (a Map keeps insertion order). */
  readonly #stored = new Map<string, true>();
  /** Requests waiting, oldest first, the latest per object. */
  readonly #pending = new Map<string, ObjectSnapshot>();
  readonly #waiters = new Map<string, (() => void)[]>();
  #inFlight: string | undefined;
  #draining: Promise<void> | undefined;
  #dirMade = false;

  private constructor(private readonly options: ObjectSnapshotsOptions) {}

  /** Indexes what `dir` already holds (oldest first by mtime), deleting down to `keep`. */
  static async open(options: ObjectSnapshotsOptions): Promise<ObjectSnapshots> {
    const store = new ObjectSnapshots(options);
    await store.#index();
    return store;
  }

  /** How many objects have a snapshot on disk. */
  get size(): number {
    return this.#stored.size;
  }

  /** A snapshot-worthy sighting of `objectId`: stored in the background, replacing its earlier one. */
  offer(objectId: string, snapshot: ObjectSnapshot): void {
    if (!OBJECT_ID_PATTERN.test(objectId)) return;
    this.#pending.delete(objectId); // re-added as the newest request
    this.#pending.set(objectId, snapshot);
    const max = this.options.maxPending ?? MAX_PENDING;
    while (this.#pending.size > max) {
      const oldest = this.#pending.keys().next().value as string;
      this.#pending.delete(oldest);
      this.options.dropped.inc();
      this.#settle(oldest);
    }
    if (this.#draining === undefined) {
      this.#draining = this.#drain();
      this.options.tasks.run('storing object snapshots', this.#draining);
    }
  }

  /** Whether the store holds a snapshot of the object, or is writing one. */
  has(objectId: string): boolean {
    return this.#stored.has(objectId) || this.#pending.has(objectId) || this.#inFlight === objectId;
  }

  /** The object's JPEG (after the write of it in progress, if any); undefined when none is kept. */
  async read(objectId: string): Promise<Buffer | undefined> {
    if (!OBJECT_ID_PATTERN.test(objectId)) return undefined;
    await this.#settled(objectId);
    if (!this.#stored.has(objectId)) return undefined;
    try {
      return await readFile(this.#file(objectId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#stored.delete(objectId); // deleted behind our back
      return undefined;
    }
  }

  /** Resolves when nothing is pending or being written (a camera's stop). */
  async idle(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
  }

  #file(objectId: string): string {
    return join(this.options.dir, `${objectId}.jpg`);
  }

  async #index(): Promise<void> {
    const { dir } = this.options;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.failed('index', err);
      return;
    }
    const found: { id: string; mtimeMs: number }[] = [];
    for (const name of names) {
      // A write cut short by a crash: the file it was to replace is whole beside it.
      if (name.endsWith('.jpg.tmp')) await this.#remove(join(dir, name));
      const id = FILE.exec(name)?.[1];
      if (id === undefined) continue;
      try {
        found.push({ id, mtimeMs: (await stat(join(dir, name))).mtimeMs });
      } catch (err) {
        this.options.failed('index', err);
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs || codeUnitOrder(a.id, b.id));
    for (const { id } of found) this.#stored.set(id, true);
    await this.#trim(this.options.keep);
  }

  async #drain(): Promise<void> {
    try {
      for (let next = this.#next(); next !== undefined; next = this.#next()) {
        const [objectId, snapshot] = next;
        this.#inFlight = objectId;
        try {
          await this.#store(objectId, snapshot);
        } finally {
          this.#inFlight = undefined;
          if (!this.#pending.has(objectId)) this.#settle(objectId);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  #next(): [string, ObjectSnapshot] | undefined {
    const first = this.#pending.entries().next();
    if (first.done === true) return undefined;
    this.#pending.delete(first.value[0]);
    return first.value;
  }

  /** Encodes and writes one; a failure is reported, never thrown. */
  async #store(objectId: string, snapshot: ObjectSnapshot): Promise<void> {
    let jpeg: Buffer;
    try {
      jpeg = await (this.options.encode ?? annotatedJpeg)(snapshot);
    } catch (err) {
      this.options.failed('encode', err);
      return;
    }
    // Room first, so that the folder never holds more than `keep` (a failed write costs the oldest).
    await this.#trim(this.#stored.has(objectId) ? this.options.keep : this.options.keep - 1);
    const file = this.#file(objectId);
    const temp = `${file}.tmp`;
    try {
      if (!this.#dirMade) await mkdir(this.options.dir, { recursive: true });
      this.#dirMade = true;
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(jpeg);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      this.options.failed('write', err);
      await rm(temp, { force: true }).catch(() => undefined); // best effort: the next start removes it
      return;
    }
    this.#stored.delete(objectId); // re-added as the most recently written
    this.#stored.set(objectId, true);
  }

  /** Deletes the least recently written past `max`. */
  async #trim(max: number): Promise<void> {
    while (this.#stored.size > max) {
      const oldest = this.#stored.keys().next().value as string;
      this.#stored.delete(oldest);
      await this.#remove(this.#file(oldest));
    }
  }

  async #remove(file: string): Promise<void> {
    try {
      await rm(file, { force: true });
    } catch (err) {
      this.options.failed('remove', err);
    }
  }

  /** Resolves once the object has no request pending or in flight. */
  #settled(objectId: string): Promise<void> {
    if (!this.#pending.has(objectId) && this.#inFlight !== objectId) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#waiters.get(objectId) ?? [];
      list.push(resolve);
      this.#waiters.set(objectId, list);
    });
  }

  #settle(objectId: string): void {
    const list = this.#waiters.get(objectId);
    if (list === undefined) return;
    this.#waiters.delete(objectId);
    for (const resolve of list) resolve();
  }
}
