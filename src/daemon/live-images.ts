import type { Frame, Image } from '../frame.js';
import { annotate } from '../inference/annotate.js';
import type { Clock } from '../time/clock.js';
import { encodeImage } from './encode.js';
import type { Tasks } from './tasks.js';

/** At most one encode of each kind this often per camera (4 a second), however often pages ask. */
const MIN_INTERVAL_MS = 250;

interface Latest {
  readonly frame: Frame;
  readonly detections: Parameters<typeof annotate>[1];
}

/**
 * One camera's images for the live view: the latest annotated frame (JPEG) and edge map (PNG).
 * Each request for an image answers with the latest one encoded and asks for a fresh one from the
 * next frame, so images are encoded as often as pages ask for them (the page polls frames a few
 * times a second and edge maps every 2 s), at most 4 a second each, one encode of a kind in
 * flight at a time, and never while nobody watches.
 * @example const live = new LiveImages(clock, tasks); live.frameJpeg() // the cached JPEG (and a fresh one is on its way)
 */
export class LiveImages {
  #jpeg: Buffer | undefined;
  /** The detections drawn on #jpeg, so the page's list matches its picture. */
  #jpegDetections: Latest['detections'] | undefined;
  #png: Buffer | undefined;
  /** A page asked since the last encode began. */
  #jpegWanted = false;
  #pngWanted = false;
  #jpegAt = Number.NEGATIVE_INFINITY;
  #pngAt = Number.NEGATIVE_INFINITY;
  #encodingJpeg = false;
  #encodingPng = false;
  #latest: Latest | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly tasks: Tasks,
  ) {}

  /** The latest annotated frame; asking has the next frame encoded. */
  frameJpeg(): Buffer | undefined {
    this.#jpegWanted = true;
    // The first request need not wait for a frame: encode the one at hand.
    if (this.#jpeg === undefined && this.#latest !== undefined) this.#encodeJpeg(this.#latest);
    return this.#jpeg;
  }

  /** The detections drawn on the frame frameJpeg() answers with; undefined before the first. */
  shownDetections(): Latest['detections'] | undefined {
    return this.#jpegDetections;
  }

  /** The latest edge map; asking has the pipeline compute one from the next frame. */
  edgesPng(): Buffer | undefined {
    this.#pngWanted = true;
    return this.#png;
  }

  /** Whether the next edge map is wanted here. */
  wantsEdges(): boolean {
    return this.#pngWanted && !this.#encodingPng && this.clock.now() - this.#pngAt >= MIN_INTERVAL_MS;
  }

  /** A processed frame with its detections. */
  frame(frame: Frame, detections: Latest['detections']): void {
    this.#latest = { frame, detections };
    if (this.#jpegWanted && this.clock.now() - this.#jpegAt >= MIN_INTERVAL_MS)
      this.#encodeJpeg(this.#latest);
  }

  /** An edge map the caller copied (it is not reused). */
  edges(map: Image<Uint8Array>): void {
    if (this.#encodingPng) return;
    this.#encodingPng = true;
    this.#pngWanted = false;
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
    this.#jpegWanted = false;
    this.#jpegAt = this.clock.now();
    this.tasks.run(
      'encoding the live frame',
      annotate(latest.frame, latest.detections)
        .jpeg({ quality: 75 })
        .toBuffer()
        .then((jpeg) => {
          this.#jpeg = jpeg;
          this.#jpegDetections = latest.detections;
        })
        .finally(() => {
          this.#encodingJpeg = false;
        }),
    );
  }
}
