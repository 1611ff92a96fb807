import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { type CameraEvent, isObjectEvent, type ObjectEvent } from '../detection.js';
import type { Clock } from '../time/clock.js';

/**
 * The events a camera has open, kept in `<stateDir>/open-events/<camera>.json`, so that a run that
 * dies without stopping (kill -9, an OOM kill, a power cut) leaves them for the next start to end.
 * Label events are keyed by label; object events by object id, with the path as of their last
 * start or update (so that the restart's end summarises it). The file changes only when the set of
 * open events does (a start or an end; for an object, an update too: never per frame), and
 * is written whole to a temp file, synced, then renamed over the old one (rename(2) replaces it
 * atomically), so a crash at any point leaves the old set or the new one, never half a file.
 * While events are open, a heartbeat sets the file's mtime every HEARTBEAT_MS (metadata only, no
 * rewrite): the next start takes it as the last time they were known open.
 */

/** How often an open set is marked as still open: a restart's `end` is at most this much early. */
export const HEARTBEAT_MS = 5000;

const box = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

/** An open object event's state as of its last start or update. */
const openObjectSchema = z.object({
  id: z.string().min(1),
  box,
  zones: z.array(z.string()),
  path: z.object({
    firstBox: box,
    lastBox: box,
    zones: z.array(z.string()),
    bestScore: z.number().min(0).max(1),
    bestBox: box,
  }),
});

const openEventSchema = z.object({
  label: z.string().min(1),
  startedAt: z.number().int().nonnegative(),
  /** The frame that started it. */
  seq: z.number().int().nonnegative(),
  /** The smoothed score at its start (a label), or the best so far (an object). */
  score: z.number().min(0).max(1),
  /** Present for an object event (events.level: object); absent for a label's. */
  object: openObjectSchema.optional(),
});

const fileSchema = z.object({
  v: z.literal(1),
  camera: z.string().min(1),
  /** The payload head the events started under (the camera may come back with another model, or not at all). */
  model: z.object({ name: z.string(), version: z.string() }),
  image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  savedAt: z.number().int().nonnegative(),
  events: z.array(openEventSchema),
});

export type OpenEvent = z.infer<typeof openEventSchema>;
export type OpenEventsFile = z.infer<typeof fileSchema>;
/** The payload head of a camera's events. */
export type EventContext = Pick<OpenEventsFile, 'model' | 'image'>;

/** What an object event stores: where it is, and its path so far. */
function objectState(event: ObjectEvent): NonNullable<OpenEvent['object']> {
  return {
    id: event.objectId,
    box: event.box,
    zones: [...event.zones],
    path: { ...event.path, zones: [...event.path.zones] },
  };
}

/** `<stateDir>/open-events`. */
export function openEventsDir(stateDir: string): string {
  return join(stateDir, 'open-events');
}

/**
 * Reads one camera's file: its content, with `seenAt` the last time its events were known open (its
 * last write or heartbeat). Throws for a file that cannot be read or is not one (corrupt).
 */
export async function readOpenEvents(file: string): Promise<OpenEventsFile & { seenAt: number }> {
  const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  const parsed = fileSchema.parse(JSON.parse(text));
  return { ...parsed, seenAt: Math.max(parsed.savedAt, Math.round(info.mtimeMs)) };
}

/**
 * Writes `text` to `file` atomically: whole to `<file>.tmp`, synced, then renamed over `file`.
 * @example await writeAtomically('/var/lib/edgecam/open-events/front.json', '{...}')
 */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

export interface OpenEventsStoreOptions {
  /** openEventsDir(stateDir). */
  readonly dir: string;
  readonly camera: string;
  /** The camera's payload head now (its model and frame size). */
  readonly context: () => EventContext;
  readonly clock: Clock;
  /** A write or heartbeat failed (logged and counted by the caller; the events still go out). */
  readonly onError: (err: unknown) => void;
}

/**
 * One camera's open events on disk.
 * @example const store = new OpenEventsStore({ dir, camera: 'front', context, clock, onError }); await store.record(event, () => publisher.event(event))
 */
export class OpenEventsStore {
  readonly file: string;
  readonly #options: OpenEventsStoreOptions;
  readonly #open = new Map<string, OpenEvent>();
  /** Writes and heartbeats, one at a time, in order. */
  #writes: Promise<void> = Promise.resolve();
  #cancelHeartbeat: (() => void) | undefined;
  #closed = false;

  constructor(options: OpenEventsStoreOptions) {
    this.#options = options;
    this.file = join(options.dir, `${options.camera}.json`);
  }

  /**
   * Publishes `event` with `publish`, keeping the file in step: a start is stored before it is
   * published and an end removed after, so that the file always holds every event published
   * without its end (a crash in between costs at most a second `end`, never a missing one).
   */
  async record(event: CameraEvent, publish: () => Promise<unknown>): Promise<void> {
    const object = isObjectEvent(event);
    const key = object ? `object:${event.objectId}` : event.label;
    // An object's update keeps its path for the restart's end; a label's changes nothing stored.
    if (event.type === 'start' || (object && event.type === 'update')) {
      const seq = event.type === 'start' ? event.frame.seq : (this.#open.get(key)?.seq ?? event.frame.seq);
      this.#open.set(key, {
        label: event.label,
        startedAt: event.startedAt,
        seq,
        score: event.score,
        ...(object ? { object: objectState(event) } : {}),
      });
      await this.#save();
    }
    await publish();
    if (event.type === 'end' && this.#open.delete(key)) await this.#save();
  }

  /** Resolves when the writes and heartbeats so far are done. */
  idle(): Promise<void> {
    return this.#writes;
  }

  /** Stops the heartbeat and waits for the last write; the file stays as the set is (empty: none). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#cancelHeartbeat?.();
    this.#cancelHeartbeat = undefined;
    await this.#writes;
  }

  /** Writes the set as it is now (or removes the file when it is empty), after the writes before. */
  #save(): Promise<void> {
    const events = [...this.#open.values()];
    return this.#queue(async () => {
      if (events.length === 0) {
        this.#cancelHeartbeat?.();
        this.#cancelHeartbeat = undefined;
        await rm(this.file, { force: true });
        return;
      }
      const { camera, context, clock, dir } = this.#options;
      const savedAt = clock.now();
      const { model, image } = context();
      const content: OpenEventsFile = { v: 1, camera, model, image, savedAt, events };
      await mkdir(dir, { recursive: true });
      await writeAtomically(this.file, `${JSON.stringify(content)}\n`);
      // The mtime is what the heartbeat moves on: from the same clock as savedAt.
      await utimes(this.file, savedAt / 1000, savedAt / 1000);
      this.#heartbeat();
    });
  }

  /** Arms the next heartbeat, unless one is armed; each re-arms the next as it fires, whatever its I/O takes. */
  #heartbeat(): void {
    if (this.#closed || this.#cancelHeartbeat !== undefined) return;
    const { clock } = this.#options;
    this.#cancelHeartbeat = clock.setTimeout(() => {
      this.#cancelHeartbeat = undefined;
      if (this.#open.size === 0 || this.#closed) return;
      const at = clock.now() / 1000;
      void this.#queue(async () => {
        // An end queued before this one may have emptied the set and removed the file.
        if (this.#open.size > 0) await utimes(this.file, at, at);
      });
      this.#heartbeat();
    }, HEARTBEAT_MS);
  }

  /** Runs `work` after the writes before it; a failure is reported, never thrown. */
  #queue(work: () => Promise<void>): Promise<void> {
    this.#writes = this.#writes.then(work).catch((err: unknown) => this.#options.onError(err));
    return this.#writes;
  }
}
