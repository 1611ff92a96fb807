import type { CameraEvent, Detection, LineCrossing } from '../detection.js';
import type { CameraImage, Frame, Image } from '../frame.js';
import type { KernelOutput } from '../kernel-output.js';
import type { MotionResult } from '../motion-result.js';

/**
 * The ports a camera's pipeline is wired through: where its frames come from, what runs on them
 * (chains, motion, model) and where its results go. The daemon hands it stages that fit; what it
 * measures is in pipeline-metrics.ts.
 */

/** Where frames come from (a capture FrameSource fits). */
export interface FrameStream {
  frames(signal: AbortSignal): AsyncIterable<Frame>;
}

/** A model (an inference Detector fits, with its task). */
export interface Model {
  readonly task: 'detect' | 'classify';
  /** The model's input size: a crop around a moving region is at least this (default 320). */
  readonly input?: { readonly width: number; readonly height: number };
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

/** A camera's motion detection (the motion stage's MotionDetector fits). */
export interface MotionPort {
  detect(frame: Frame): MotionResult;
}

/** Where results go (the daemon publishes them and keeps what the live view shows). */
export interface PipelineSink {
  /** Whether the next frame's edge map is wanted (a rate limit is due, or someone watches). */
  edgesWanted(): boolean;
  /** The edge map of `frame`: a view valid only during the call (copy what you keep). */
  edges(map: Image<Uint8Array>, frame: Frame): void;
  /** A processed frame's detections (filtered); classifiers give label scores without boxes. */
  results(frame: Frame, detections: readonly Detection[], inferenceMs: number): void;
  /** A frame's motion, when the camera detects motion (before its model runs, if it does). */
  motion?(frame: Frame, motion: MotionResult): void;
  /** An event (a label's or an object's); the pipeline waits for it to be stored (the outbox) before the next frame's. */
  event(event: CameraEvent, frame: Frame | undefined, detections: readonly Detection[]): Promise<void>;
  /** A tracked object crossed a counting line; awaited like an event. */
  crossing?(crossing: LineCrossing): Promise<void>;
}
