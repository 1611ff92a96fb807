import { performance } from 'node:perf_hooks';
import type { CameraEvent, Detection } from '../detection.js';
import type { Frame, Image } from '../frame.js';
import type { MotionResult } from '../motion-result.js';
import { type Clock, systemClock } from '../time/clock.js';
import { type EventSettings, PresenceTracker } from './events.js';
import { type FilterSettings, filterDetections } from './filter.js';
import { FrameRate } from './frame-rate.js';
import { type CountingLine, LineCrossings } from './line-crossings.js';
import { runPlan } from './model-runs.js';
import { type DetectSettings, type ModelPlan, MotionGate } from './motion-gate.js';
import { type ObjectEventSettings, ObjectEvents } from './object-events.js';
import { type FrameReport, NO_METRICS, type PipelineMetrics } from './pipeline-metrics.js';
import type { FrameKernels, FrameStream, Model, MotionPort, PipelineSink } from './ports.js';
import type { TrackingSettings } from './tracking/settings.js';
import { TrackIds } from './tracking/track-ids.js';
import { TrackedDetections } from './tracking/tracked-detections.js';

export type { FrameReport, PipelineMetrics, TimedStage } from './pipeline-metrics.js';

/**
 * One camera's pipeline: frames from its source (latest wins: the source's one-slot mailbox
 * drops what the pipeline was too slow for), its chains in the kernel worker, its model in the
 * inference worker, then filtering, tracking, smoothing and events on the main thread, and out through a
 * sink. While the model runs on frame N, frame N+1 is captured, decoded and filtered, and then
 * handed to the model's worker, which starts it the moment N ends: the model never waits for
 * this thread between frames. Nothing queues beyond that one frame; the next is taken from the
 * source only once N is done. Results go out in frame order. The pipeline knows no other stage:
 * the daemon hands it a source, a model and a sink.
 */

export type { FrameKernels, FrameStream, Model, MotionPort, PipelineSink } from './ports.js';

export interface PipelineSettings {
  readonly enabled: boolean;
  readonly filter: FilterSettings;
  readonly tracking: TrackingSettings;
  readonly events: EventSettings & {
    /** label (the default): presence per label; object: per tracked object (detectors only; fixed for the pipeline's life). */
    readonly level?: 'label' | 'object';
    /** Object level: seconds between two better-score updates of one object (default 5). */
    readonly snapshotInterval?: number;
  };
  /** Counting lines (detectors only; fixed for the pipeline's life: a change restarts the camera). */
  readonly lines?: readonly CountingLine[];
  /** Whether the model runs on every frame or where things move (default: every frame). */
  readonly detect?: DetectSettings;
}

export interface CameraPipelineOptions {
  readonly id: string;
  readonly source: FrameStream;
  readonly kernels: FrameKernels;
  readonly model?: Model;
  /** The camera's motion detection, if it has it: with detect.mode motion, it gates the model. */
  readonly motion?: MotionPort;
  readonly sink: PipelineSink;
  readonly settings: PipelineSettings;
  readonly metrics?: PipelineMetrics;
  readonly onFrame?: (report: FrameReport) => void;
  readonly clock?: Clock;
  /** Where a detector's track ids come from; the daemon's are unique across restarts (run 0 otherwise). */
  readonly trackIds?: TrackIds;
}

/** What the live view and the health report show of a camera. */
export interface PipelineStatus {
  readonly fps: number;
  readonly inferenceMs: number | null;
  readonly lastFrameAt: number | null;
  readonly frameSize: { width: number; height: number } | null;
  readonly detections: readonly Detection[];
  /** The last frame's motion (null without motion detection, or before a frame). */
  readonly motion: MotionResult | null;
  /** Newest first, at most RECENT_EVENTS. */
  readonly events: readonly { type: CameraEvent['type']; label: string; at: number }[];
}

const RECENT_EVENTS = 20;
const ALWAYS: DetectSettings = { mode: 'always', keepAlive: 0 };
const DEFAULT_INPUT = 320;

/**
 * @example const pipeline = new CameraPipeline({ id, source, kernels, model, sink, settings }); await pipeline.run(signal)
 */
export class CameraPipeline {
  readonly id: string;
  readonly #options: CameraPipelineOptions;
  readonly #clock: Clock;
  readonly #metrics: PipelineMetrics;
  readonly #tracker: PresenceTracker;
  readonly #objects: TrackedDetections;
  /** Per-object events, when the camera's events.level is object and it runs a detector. */
  readonly #objectEvents: ObjectEvents | undefined;
  /** The camera's counting lines, when it has any and runs a detector. */
  readonly #lines: LineCrossings | undefined;
  #settings: PipelineSettings;
  /** The filter at the tracker's floor (below the threshold down to `tracking.low`). */
  #candidates: FilterSettings;
  readonly #rate = new FrameRate();
  #inferenceMs: number | null = null;
  #lastFrame: Frame | undefined;
  #detections: readonly Detection[] = [];
  #motion: MotionResult | null = null;
  readonly #gate = new MotionGate();
  #events: { type: CameraEvent['type']; label: string; at: number }[] = [];
  #failure: { error: unknown } | undefined;

  constructor(options: CameraPipelineOptions) {
    this.id = options.id;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#metrics = options.metrics ?? NO_METRICS;
    this.#settings = options.settings;
    this.#tracker = new PresenceTracker(options.settings.events);
    this.#objects = new TrackedDetections(options.settings.tracking, options.trackIds ?? new TrackIds(0));
    this.#candidates = this.#candidateFilter(options.settings);
    this.#objectEvents =
      options.settings.events.level === 'object' && options.model?.task === 'detect'
        ? new ObjectEvents(objectEventSettings(options.settings))
        : undefined;
    const lines = options.settings.lines ?? [];
    this.#lines = lines.length > 0 && options.model?.task === 'detect' ? new LineCrossings(lines) : undefined;
  }

  #candidateFilter(settings: PipelineSettings): FilterSettings {
    return { ...settings.filter, floor: this.#objects.floor(settings.filter.threshold) };
  }

  /** Applies new settings from the next frame on (a reload, or a command to the live settings). */
  configure(settings: PipelineSettings): void {
    this.#settings = settings;
    this.#tracker.configure(settings.events);
    this.#objects.configure(settings.tracking);
    this.#objectEvents?.configure(objectEventSettings(settings));
    this.#candidates = this.#candidateFilter(settings);
  }

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  /** The last processed frame and its detections (for an annotated image), if any. */
  latest(): { frame: Frame; detections: readonly Detection[] } | undefined {
    return this.#lastFrame === undefined
      ? undefined
      : { frame: this.#lastFrame, detections: this.#detections };
  }

  status(): PipelineStatus {
    const frame = this.#lastFrame;
    return {
      fps: this.#rate.perSecond(this.#clock.now()),
      inferenceMs: this.#inferenceMs,
      lastFrameAt: frame?.timestamp ?? null,
      frameSize: frame === undefined ? null : { width: frame.width, height: frame.height },
      detections: this.#detections,
      motion: this.#motion,
      events: this.#events,
    };
  }

  /**
   * Processes frames until the source ends or `signal` aborts, then finishes the frame in flight.
   * Rejects when the model or the kernel worker failed (the daemon restarts the camera).
   */
  async run(signal: AbortSignal): Promise<void> {
    const { source, kernels, model, sink } = this.#options;
    // Frames handed to the model and not yet finished, oldest first: at most the running one and
    // the one waiting behind it.
    const inflight: Promise<void>[] = [];
    for await (const frame of source.frames(signal)) {
      const takenAt = performance.now();
      const age = Math.max(0, this.#clock.now() - frame.timestamp);
      if (!this.#settings.enabled) {
        await Promise.all(inflight.splice(0));
        await this.#endAll(frame);
        continue;
      }
      const plan = this.#plan(frame);
      const runModel = model !== undefined && plan.kind !== 'skip';
      const wantEdges = kernels.hasEdges && sink.edgesWanted();
      const out = await kernels.run(frame, { preprocess: runModel, edges: wantEdges });
      const kernelsMs = performance.now() - takenAt;
      if (out.edges !== undefined) sink.edges(out.edges, frame);
      if (this.#failure !== undefined) break;
      const stages = { capture: age, kernels: kernelsMs };
      // Each frame finishes after the one before it, so that results and events keep frame order.
      const previous = inflight.at(-1);
      inflight.push(
        model === undefined
          ? this.#after(previous, () => this.#finish(frame, [], stages, 0, undefined))
          : runModel
            ? this.#infer(model, frame, out.preprocessed, stages, previous, plan)
            : this.#skip(frame, plan, stages, previous),
      );
      // Take the next frame once the model has started this one: the newest frame waits for the
      // model, not one that was the newest a run ago.
      if (inflight.length > 1) await inflight.shift();
    }
    await Promise.all(inflight);
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  /** Nothing moved: the frame reports what the model saw before (held by the gate). */
  #skip(
    frame: Frame,
    plan: ModelPlan,
    stages: { capture: number; kernels: number },
    previous: Promise<void> | undefined,
  ) {
    this.#metrics.inferenceSkipped?.inc();
    return this.#after(previous, () =>
      this.#finish(frame, this.#gate.settle(plan, [], frame), stages, undefined, undefined),
    );
  }

  /**
   * The frame's motion (published through the sink) and what the model does with the frame: the
   * whole frame without motion detection or in detect.mode always; else the motion gate's plan.
   */
  #plan(frame: Frame): ModelPlan {
    const { motion, model, sink } = this.#options;
    const found = motion?.detect(frame);
    if (found !== undefined) {
      this.#motion = found;
      sink.motion?.(frame, found);
    }
    const settings = this.#settings.detect ?? ALWAYS;
    const minSide = Math.max(model?.input?.width ?? DEFAULT_INPUT, model?.input?.height ?? DEFAULT_INPUT);
    const plan = this.#gate.plan(frame, frame.timestamp, found, settings, minSide);
    // A classifier labels the whole picture: a crop of it is another picture.
    return plan.kind === 'crops' && model?.task === 'classify' ? { kind: 'full' } : plan;
  }

  /** Ends every present label with 'end' events (the camera stops); resolves once they are stored. */
  async stop(): Promise<void> {
    // The gauge is set per frame: a stopped camera's would otherwise keep its last rate.
    this.#metrics.fps.set(0);
    const frame = this.#lastFrame;
    const at = { seq: frame?.seq ?? 0, timestamp: this.#clock.now() };
    this.#objects.reset();
    this.#lines?.reset();
    for (const event of this.#endEvents(at, 'stopped')) await this.#emit(event, undefined);
  }

  async #endAll(frame: Frame): Promise<void> {
    this.#objects.reset();
    this.#lines?.reset();
    for (const event of this.#endEvents(frame, 'disabled')) await this.#emit(event, frame);
  }

  #endEvents(at: { seq: number; timestamp: number }, reason: 'stopped' | 'disabled'): CameraEvent[] {
    return this.#objectEvents?.endAll(at, reason) ?? this.#tracker.endAll(at, reason);
  }

  /** A processed frame's events: its objects' (after the tracker's update) or its labels'. */
  #decide(frame: Frame, kept: readonly Detection[]): CameraEvent[] {
    if (this.#options.model === undefined) return [];
    if (this.#objectEvents === undefined) return this.#tracker.update(frame, kept);
    const { tracker } = this.#objects;
    return this.#objectEvents.update(frame, tracker.tracks, tracker.ended);
  }

  async #after(previous: Promise<void> | undefined, then: () => Promise<void>): Promise<void> {
    await previous;
    await then();
  }

  /**
   * Runs the model on `image` (frame's preprocessed pixels, copied before the first await, so the
   * kernel worker may write its next output there), then finishes after `previous`. Never
   * rejects: a failure ends run().
   */
  async #infer(
    model: Model,
    frame: Frame,
    image: Image<Uint8Array>,
    stages: { capture: number; kernels: number },
    previous: Promise<void> | undefined,
    plan: ModelPlan,
  ) {
    const submitted = performance.now();
    let found: readonly Detection[];
    let timings: Model['lastTimings'];
    let settledAt: number;
    try {
      // One run on the frame, or one per crop, mapped back to the frame (model-runs.ts).
      ({ found, timings } = await runPlan(model, image, plan));
      settledAt = performance.now();
    } catch (error) {
      this.#failure ??= { error };
      await previous;
      return;
    }
    await previous;
    // The model thread's own time on this frame (the wait behind the frame before counts in the
    // latency only); a model that reports no timings gets the time from submitted to settled.
    const inferenceMs =
      timings === undefined ? settledAt - submitted : timings.preprocessMs + timings.runMs + timings.decodeMs;
    await this.#finish(frame, this.#gate.settle(plan, found, image), stages, inferenceMs, timings?.runMs);
  }

  async #finish(
    frame: Frame,
    found: readonly Detection[],
    stages: { capture: number; kernels: number },
    /** undefined: the model did not run on this frame (nothing moved). */
    ran: number | undefined,
    modelRunMs: number | undefined,
  ): Promise<void> {
    const inferenceMs = ran ?? 0;
    const { sink, model } = this.#options;
    const t0 = performance.now();
    // A detector's boxes are tracked (ids, ages, order); a classifier's top-k is only filtered.
    const masked = this.#metrics.masked;
    const kept =
      model?.task === 'detect'
        ? this.#objects.update(
            filterDetections(found, this.#candidates, masked),
            this.#settings.filter.threshold,
            frame,
          )
        : filterDetections(found, this.#settings.filter, masked);
    const events = this.#decide(frame, kept);
    const { tracker } = this.#objects;
    const crossings = this.#lines?.update(frame, tracker.tracks, tracker.ended);
    const t1 = performance.now();
    this.#lastFrame = frame;
    this.#detections = kept;
    if (model !== undefined) {
      if (ran !== undefined) this.#inferenceMs = ran;
      sink.results(frame, kept, inferenceMs);
    }
    try {
      for (const event of events) await this.#emit(event, frame);
      if (crossings !== undefined) for (const crossing of crossings) await sink.crossing?.(crossing);
    } catch (error) {
      this.#failure ??= { error };
    }
    const t2 = performance.now();
    const doneAt = this.#clock.now();
    this.#rate.tick(doneAt);
    const report: FrameReport = {
      camera: this.id,
      seq: frame.seq,
      stages: { ...stages, inference: inferenceMs, postprocess: t1 - t0, publish: t2 - t1 },
      endToEndMs: Math.max(0, doneAt - frame.timestamp),
      modelRunMs,
    };
    const m = this.#metrics;
    m.stage.capture.observe(report.stages.capture / 1000);
    m.stage.kernels.observe(report.stages.kernels / 1000);
    if (model !== undefined && ran !== undefined) m.stage.inference.observe(inferenceMs / 1000);
    m.stage.postprocess.observe(report.stages.postprocess / 1000);
    m.stage.publish.observe(report.stages.publish / 1000);
    m.endToEnd.observe(report.endToEndMs / 1000);
    m.fps.set(this.#rate.perSecond(doneAt));
    this.#options.onFrame?.(report);
  }

  async #emit(event: CameraEvent, frame: Frame | undefined): Promise<void> {
    this.#events.unshift({ type: event.type, label: event.label, at: event.frame.timestamp });
    if (this.#events.length > RECENT_EVENTS) this.#events.length = RECENT_EVENTS;
    await this.#options.sink.event(event, frame, this.#detections);
  }
}

function objectEventSettings(settings: PipelineSettings): ObjectEventSettings {
  return { zones: settings.filter.zones, snapshotInterval: settings.events.snapshotInterval ?? 5 };
}
