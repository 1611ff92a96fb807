import { type CameraEvent, type Detection, isObjectEvent } from '../detection.js';
import type { Frame } from '../frame.js';
import { annotate } from '../inference/annotate.js';
import { LatestPerInterval } from '../publish/rate-limit.js';
import type { Clock } from '../time/clock.js';
import { LatestInFlight } from './latest-in-flight.js';
import type { Tasks } from './tasks.js';

/** A frame to annotate and publish as the camera's snapshot. */
export interface Snapshot {
  readonly frame: Frame;
  readonly detections: readonly Detection[];
}

/**
 * One camera's snapshots: event starts give at most one per mqtt.snapshots.interval (the latest
 * start's follows when the interval ends), commands ask for one now; either way the JPEG is
 * encoded one at a time, the latest request waiting, so a flood of requests costs one encode in
 * flight and one frame held; each request replaced by a later one is counted (`replaced`).
 * @example const snapshots = new CameraSnapshots(60, clock, tasks, (jpeg) => publisher.snapshot(jpeg)); snapshots.eventStarted(s)
 */
export class CameraSnapshots {
  #limit: LatestPerInterval<Snapshot>;
  readonly #encodes: LatestInFlight<Snapshot>;

  constructor(
    intervalS: number,
    private readonly clock: Clock,
    private readonly tasks: Tasks,
    private readonly publish: (jpeg: Buffer) => Promise<void>,
    replaced: { inc(): void } = { inc() {} },
  ) {
    // A failed encode is logged by the tasks, which track it for the daemon's stop.
    this.#encodes = new LatestInFlight(
      (s) => this.#encode(s),
      () => {},
      () => replaced.inc(),
    );
    this.#limit = this.#limitOf(intervalS);
  }

  /** An event started on this frame (rate-limited by the interval). */
  eventStarted(snapshot: Snapshot): void {
    this.#limit.offer(snapshot);
  }

  /** An event on this frame: a start, or an object seen better, is a snapshot, boxing what the event is about. */
  eventSeen(event: CameraEvent, frame: Frame, detections: readonly Detection[]): void {
    if (snapshotWorthy(event)) this.eventStarted({ frame, detections: snapshotBoxes(event, detections) });
  }

  /** A snapshot was asked for (by a command): encoded as soon as the one in flight is done. */
  requested(snapshot: Snapshot): void {
    this.#encodes.offer(snapshot);
  }

  /** Takes a reloaded mqtt.snapshots.interval (the start waiting for the old one goes now). */
  setInterval(intervalS: number): void {
    if (intervalS * 1000 === this.#limit.intervalMs) return;
    this.#limit.flush();
    this.#limit = this.#limitOf(intervalS);
  }

  /** Sends the start waiting for the interval now (at stop, so that the latest is not lost). */
  flush(): void {
    this.#limit.flush();
  }

  #limitOf(intervalS: number): LatestPerInterval<Snapshot> {
    return new LatestPerInterval(intervalS * 1000, this.clock, (s) => this.#encodes.offer(s));
  }

  /** Encodes and publishes one; tracked, so that the daemon's stop waits for it and a failure is logged. */
  #encode({ frame, detections }: Snapshot): Promise<void> {
    const work = (async () => {
      const jpeg = await annotate(frame, detections).jpeg({ quality: 80 }).toBuffer();
      await this.publish(jpeg);
    })();
    this.tasks.run('the snapshot', work);
    return work;
  }
}

/** A label's or object's start, or an object seen with a better score: its frame is the snapshot. */
export function snapshotWorthy(event: CameraEvent): boolean {
  return event.type === 'start' || (isObjectEvent(event) && event.changed?.includes('snapshot') === true);
}

/** An object's snapshot boxes that object alone; a label's, every detection. */
export function snapshotBoxes(event: CameraEvent, detections: readonly Detection[]): readonly Detection[] {
  if (!isObjectEvent(event)) return detections;
  const own = detections.filter((d) => d.id === event.objectId);
  return own.length > 0 ? own : detections;
}
