import type { CameraMetrics } from '../health/metrics.js';

/**
 * A camera source's frame counters added to the camera's metrics as they grow: a source counts
 * from its own start, so each capture session starts from 0 here too (reset()).
 * @example const counts = new SourceCounts(metrics.camera('front')); counts.add(source.stats())
 */
export class SourceCounts {
  #counted = { frames: 0, dropped: 0 };

  constructor(private readonly metrics: CameraMetrics) {}

  /** A new source (capture session): its counters start from 0. */
  reset(): void {
    this.#counted = { frames: 0, dropped: 0 };
  }

  /** Adds what the source counted since the last call. */
  add(stats: { readonly frames: number; readonly dropped: number } | undefined): void {
    if (stats === undefined) return;
    const { frames, dropped } = this.#counted;
    this.metrics.captured.inc(stats.frames - frames);
    this.metrics.decoded.inc(stats.frames - frames);
    this.metrics.dropped.inc(stats.dropped - dropped);
    this.#counted = { frames: stats.frames, dropped: stats.dropped };
  }
}
