import type { Frame, Image } from '../frame.js';
import { annotate } from '../inference/annotate.js';
import type { Clock } from '../time/clock.js';
import { encodeImage } from './encode.js';
import type { Tasks } from './tasks.js';

/** Someone asked for an image this recently: keep encoding fresh ones. */
const WATCHED_MS = 10_000;
/** At most this often per camera and kind (4 a second). */
const MIN_INTERVAL_MS = 250;

interface Latest {
  readonly frame: Frame;
  readonly detections: Parameters<typeof annotate>[1];
}

/**
 * One camera's images for the live view: the latest annotated frame (JPEG) and edge map (PNG),
 * encoded only while someone has asked in the last 10 s, at most 4 a second each, one encode in
 * flight at a time; never per frame unconditionally.
 * @example const live = new LiveImages(clock, tasks); live.frameJpeg() // the cached JPEG (and a fresh one is on its way)
 */
export class LiveImages {
  #jpeg: Buffer | undefined;
  #png: Buffer | undefined;
  #frameAskedAt = Number.NEGATIVE_INFINITY;
  #edgesAskedAt = Number.NEGATIVE_INFINITY;
  #jpegAt = Number.NEGATIVE_INFINITY;
  #pngAt = Number.NEGATIVE_INFINITY;
  #encodingJpeg = false;
  #encodingPng = false;
  #latest: Latest | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly tasks: Tasks,
  ) {}

  /** The latest annotated frame; asking keeps fresh ones coming. */
  frameJpeg(): Buffer | undefined {
    this.#frameAskedAt = this.clock.now();
    if (this.#jpeg === undefined && this.#latest !== undefined) this.#encodeJpeg(this.#latest);
    return this.#jpeg;
  }

  /** The latest edge map; asking makes the pipeline compute them. */
  edgesPng(): Buffer | undefined {
    this.#edgesAskedAt = this.clock.now();
    return this.#png;
  }

  /** Whether the next edge map is wanted here. */
  wantsEdges(): boolean {
    const now = this.clock.now();
    return (
      now - this.#edgesAskedAt < WATCHED_MS && now - this.#pngAt >= MIN_INTERVAL_MS && !this.#encodingPng
    );
  }

  /** A processed frame with its detections. */
  frame(frame: Frame, detections: Latest['detections']): void {
    this.#latest = { frame, detections };
    const now = this.clock.now();
    if (now - this.#frameAskedAt < WATCHED_MS && now - this.#jpegAt >= MIN_INTERVAL_MS)
      this.#encodeJpeg(this.#latest);
  }

  /** An edge map the caller copied (it is not reused). */
  edges(map: Image<Uint8Array>): void {
    if (this.#encodingPng) return;
    this.#encodingPng = true;
    this.#pngAt = this.clock.now();
    this.tasks.run(
      'encoding the live edge map',
      encodeImage(map, 'png', 1)
        .then((png) => {
          this.#png = png;
        })
        .finally(() => {
          this.#encodingPng = false;
        }),
    );
  }

  #encodeJpeg(latest: Latest): void {
    if (this.#encodingJpeg) return;
    this.#encodingJpeg = true;
    this.#jpegAt = this.clock.now();
    this.tasks.run(
      'encoding the live frame',
      annotate(latest.frame, latest.detections)
        .jpeg({ quality: 75 })
        .toBuffer()
        .then((jpeg) => {
          this.#jpeg = jpeg;
        })
        .finally(() => {
          this.#encodingJpeg = false;
        }),
    );
  }
}
