import type { CameraEvent, Detection, LineCrossing } from '../detection.js';
import type { CameraImage, Frame, Image } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';

/**
 * The ports a camera's pipeline is wired through: where its frames come from, what runs on them
 * (chains, model), where its results go, and what it measures. The daemon hands it stages that fit.
 */

/** Where frames come from (a capture FrameSource fits). */
export interface FrameStream {
  frames(signal: AbortSignal): AsyncIterable<Frame>;
}

/** A model (an inference Detector fits, with its task). */
export interface Model {
  readonly task: 'detect' | 'classify';
  run(image: CameraImage): Promise<readonly Detection[]>;
  /**
   * The last settled run's own timings in the model's thread: runMs is the model's run alone,
   * with the input's preprocessing and the output's decoding beside it.
   */
  readonly lastTimings:
    | { readonly preprocessMs: number; readonly runMs: number; readonly decodeMs: number }
    | undefined;
}

/**
 * A camera's chains (the chains stage's CameraKernels fits): the preprocessed frame for the
 * model, the edge map when asked.
 */
export interface FrameKernels {
  readonly hasEdges: boolean;
  run(frame: Frame, want: { preprocess: boolean; edges: boolean }): Promise<KernelOutput>;
}

/** Where results go (the daemon publishes them and keeps what the live view shows). */
export interface PipelineSink {
  /** Whether the next frame's edge map is wanted (a rate limit is due, or someone watches). */
  edgesWanted(): boolean;
  /** The edge map of `frame`: a view valid only during the call (copy what you keep). */
  edges(map: Image<Uint8Array>, frame: Frame): void;
  /** A processed frame's detections (filtered); classifiers give label scores without boxes. */
  results(frame: Frame, detections: readonly Detection[], inferenceMs: number): void;
  /** An event (a label's or an object's); the pipeline waits for it to be stored (the outbox) before the next frame's. */
  event(event: CameraEvent, frame: Frame | undefined, detections: readonly Detection[]): Promise<void>;
  /** A tracked object crossed a counting line; awaited like an event. */
  crossing?(crossing: LineCrossing): Promise<void>;
}

export type TimedStage = 'capture' | 'kernels' | 'inference' | 'postprocess' | 'publish';

/** The metrics a pipeline records (health's CameraMetrics fits). */
export interface PipelineMetrics {
  readonly stage: Readonly<Record<TimedStage, { observe(seconds: number): void }>>;
  readonly endToEnd: { observe(seconds: number): void };
  readonly fps: { set(value: number): void };
  /** Detections dropped by the camera's mask. */
  readonly masked: { inc(n?: number): void };
}

/** One processed frame's timings, for the watchdog and the benchmark. */
export interface FrameReport {
  readonly camera: string;
  readonly seq: number;
  /** Milliseconds per stage; capture is the frame's age when the pipeline took it. */
  readonly stages: Readonly<Record<TimedStage, number>>;
  /** From capture to published, ms. */
  readonly endToEndMs: number;
  /** The model's own run (undefined without a model). */
  readonly modelRunMs: number | undefined;
}

/** What a pipeline without metrics records: nothing. */
export const NO_METRICS: PipelineMetrics = {
  stage: {
    capture: { observe() {} },
    kernels: { observe() {} },
    inference: { observe() {} },
    postprocess: { observe() {} },
    publish: { observe() {} },
  },
  endToEnd: { observe() {} },
  fps: { set() {} },
  masked: { inc() {} },
};
