import type { Detection } from '../detection.js';
import type { Frame } from '../frame.js';
import type { CameraMetrics } from '../health/metrics.js';
import type { Clock } from '../time/clock.js';
import type { StreamClient, StreamRequest, StreamWatch } from '../web/live-view-source.js';
import { JpegStream, type StreamVariant } from './jpeg-stream.js';
import type { Tasks } from './tasks.js';

/**
 * A camera's MJPEG streams: one shared encoder per picture (annotated, raw), the clients counted
 * in the camera's metrics.
 * @example const streams = new CameraStreams(metrics, clock, tasks); const watch = streams.watch({ fps: 5, raw: false }, 10, client)
 */
export class CameraStreams {
  readonly #streams: Readonly<Record<StreamVariant, JpegStream>>;

  constructor(
    private readonly metrics: CameraMetrics,
    clock: Clock,
    tasks: Tasks,
  ) {
    const counted = metrics.streamEncoded;
    this.#streams = {
      annotated: new JpegStream('annotated', clock, tasks, () => counted.annotated.inc()),
      raw: new JpegStream('raw', clock, tasks, () => counted.raw.inc()),
    };
  }

  /** Joins a stream at the fps asked for, at most the camera's. */
  watch(request: StreamRequest, cameraFps: number, client: StreamClient): StreamWatch {
    const { metrics } = this;
    const fps = Math.min(request.fps, cameraFps);
    const leave = this.#streams[request.raw ? 'raw' : 'annotated'].watch(fps, client);
    metrics.streamClients.inc();
    let watching = true;
    return {
      fps,
      skipped: () => metrics.streamSkipped.inc(),
      stop: () => {
        if (!watching) return;
        watching = false;
        leave();
        metrics.streamClients.dec();
      },
    };
  }

  /** A frame the model ran on, for whichever client is due one. */
  frame(frame: Frame, detections: readonly Detection[]): void {
    this.#streams.annotated.frame(frame, detections);
    this.#streams.raw.frame(frame, detections);
  }

  /** Ends every client's stream (the camera stops). */
  close(): void {
    for (const stream of Object.values(this.#streams)) stream.close();
  }
}
