import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CameraEvent } from '../detection.js';
import { type EventContext, type OpenEvent, readOpenEvents } from './open-events-store.js';

/**
 * At start, before any camera runs: the events a run that stopped uncleanly left open
 * (open-events-store.ts) each get an `end` with reason `restart`, through the outbox, so that a
 * subscriber never sees a label start again without the end of its previous event. A clean stop
 * ends its events itself and leaves no file, so it costs nothing here.
 */

/** Publishes an end for an event left open (MqttPublisher.endLeftOpen fits). */
export interface LeftOpenSink {
  endLeftOpen(camera: string, context: EventContext, event: CameraEvent): Promise<unknown>;
}

export interface RecoveryOptions {
  /** openEventsDir(stateDir). */
  readonly dir: string;
  readonly sink: LeftOpenSink;
  readonly logger: Logger;
  /** A file that could not be read or was not one (corrupt): it is logged once and set aside. */
  readonly unreadable: { inc(): void };
  /** Where an object's snapshot kept by the run that died is served (an object end's `snapshot`), if it is. */
  readonly snapshotOf?: (camera: string, objectId: string) => Promise<string | undefined>;
}

/**
 * Ends every event left open in `dir`, then removes its file; returns how many it ended. A file it
 * cannot read is logged (one warning), counted and renamed `<camera>.json.corrupt`, and the others
 * go on. An end is stored in the outbox before the file goes, so a crash in between repeats the
 * end with the same id (a redelivery subscribers drop), never loses it.
 * @example await endEventsLeftOpen({ dir: openEventsDir(config.stateDir), sink: publisher, logger, unreadable })
 */
export async function endEventsLeftOpen(options: RecoveryOptions): Promise<number> {
  const { dir, logger } = options;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let ended = 0;
  for (const name of names.sort()) {
    const file = join(dir, name);
    // A write cut short by the crash: the file it was to replace is whole beside it.
    if (name.endsWith('.json.tmp')) await rm(file, { force: true });
    if (!name.endsWith('.json')) continue;
    try {
      ended += await endFile(file, options);
    } catch (err) {
      // The outbox refused an end: the events stay for the next start to try again, under a name
      // of their own, since the camera's store is about to write <camera>.json afresh. Ends that
      // went out before the refusal go again with the same ids, which subscribers drop.
      const unsent = file.replace(/\.json$/, `.unsent-${Date.now()}.json`);
      const kept = await rename(file, unsent).then(
        () => unsent,
        () => file,
      );
      logger.error(
        { err, file: kept },
        `cannot publish the end of the events left open in ${file}; kept in ${kept}`,
      );
    }
  }
  if (ended > 0)
    logger.info({ ended }, `ended ${ended} event(s) left open by an unclean stop (reason "restart")`);
  return ended;
}

async function endFile(file: string, options: RecoveryOptions): Promise<number> {
  const { sink, logger, unreadable } = options;
  let left: Awaited<ReturnType<typeof readOpenEvents>>;
  try {
    left = await readOpenEvents(file);
  } catch (err) {
    unreadable.inc();
    logger.warn(
      { err, file },
      `the open events in ${file} cannot be read; they get no "end" (the file is kept as ${file}.corrupt)`,
    );
    await rename(file, `${file}.corrupt`).catch((renameErr: unknown) =>
      logger.warn({ err: renameErr, file }, 'cannot set the unreadable open-events file aside'),
    );
    return 0;
  }
  const { camera, model, image, seenAt } = left;
  // Objects of a label still open after each end (an object event's count), as the run left them.
  const objects = new Map<string, number>();
  for (const open of left.events)
    if (open.object !== undefined) objects.set(open.label, (objects.get(open.label) ?? 0) + 1);
  for (const open of left.events) {
    let count = 0;
    if (open.object !== undefined) {
      count = objects.get(open.label)! - 1;
      objects.set(open.label, count);
    }
    // The last time it was known open: its file's last write or heartbeat.
    const end = restartEnd(open, Math.max(seenAt, open.startedAt), count);
    const snapshot =
      open.object === undefined ? undefined : await options.snapshotOf?.(camera, open.object.id);
    await sink.endLeftOpen(camera, { model, image }, snapshot === undefined ? end : { ...end, snapshot });
  }
  await rm(file, { force: true });
  return left.events.length;
}

/** The `end` (reason restart) of an event left open, a label's or an object's, at `timestamp`. */
function restartEnd(open: OpenEvent, timestamp: number, count: number): CameraEvent {
  const base = {
    type: 'end' as const,
    label: open.label,
    frame: { seq: open.seq, timestamp },
    score: open.score,
    count,
    startedAt: open.startedAt,
    reason: 'restart' as const,
  };
  const object = open.object;
  if (object === undefined) return base;
  return { ...base, objectId: object.id, box: object.box, zones: object.zones, path: object.path };
}
