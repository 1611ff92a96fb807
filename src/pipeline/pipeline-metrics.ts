/** What a camera pipeline measures per frame, and the metrics it records them in. */

export type TimedStage = 'capture' | 'kernels' | 'inference' | 'postprocess' | 'publish';

/** The metrics a pipeline records (health's CameraMetrics fits). */
export interface PipelineMetrics {
  readonly stage: Readonly<Record<TimedStage, { observe(seconds: number): void }>>;
  readonly endToEnd: { observe(seconds: number): void };
  readonly fps: { set(value: number): void };
  /** Frames the model did not run on, as nothing moved. */
  readonly inferenceSkipped?: { inc(n?: number): void };
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

/** The metrics of a pipeline given none: each a no-op. */
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
