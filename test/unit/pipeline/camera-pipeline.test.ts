// CameraPipeline's scheduling, with a model whose runs this test settles by hand. The real model
// in its worker is tested in test/integration (inference/signs.test.ts, daemon/*).
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import type { Frame, Image } from '../../../src/frame.js';
import {
  CameraPipeline,
  DEFAULT_TRACKING,
  type Model,
  type PipelineSink,
} from '../../../src/pipeline/index.js';
import { ManualClock } from '../time/manual-clock.js';

const frame = (seq: number): Frame => ({
  width: 2,
  height: 1,
  channels: 1,
  data: new Uint8Array([seq, seq]),
  seq,
  timestamp: Date.now(),
  source: 'test',
});

/** Frames 1..count, each as soon as the pipeline asks for the next. */
const frames = (count: number) => ({
  async *frames() {
    for (let seq = 1; seq <= count; seq++) yield frame(seq);
  },
});

/** A model whose runs wait for `settle()`, in the order they were called. */
class HeldModel implements Model {
  readonly task = 'detect' as const;
  lastTimings: Model['lastTimings'];
  /** Each run's first pixel (its frame's seq), in call order. */
  readonly started: number[] = [];
  readonly #held: { seq: number; resolve: (d: Detection[]) => void }[] = [];

  run(image: Image<Uint8Array>): Promise<Detection[]> {
    const seq = image.data[0]!;
    this.started.push(seq);
    return new Promise((resolve) => this.#held.push({ seq, resolve }));
  }

  /**
   * Resolves once `n` runs have been called; fails after a minute without them (a hang: a busy
   * machine is slow, never that slow), naming the frames that did come.
   */
  async calls(n: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (this.started.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} runs, saw frames ${this.started.join()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Settles the oldest held run with one detection naming its frame. */
  settle(): void {
    const run = this.#held.shift()!;
    this.lastTimings = { preprocessMs: 0.5, runMs: run.seq, decodeMs: 0.25 };
    run.resolve([{ label: `frame${run.seq}`, classId: 0, score: 0.9 }]);
  }
}

function sink(results: string[]): PipelineSink {
  return {
    edgesWanted: () => false,
    edges() {},
    results(f, detections) {
      results.push(`${f.seq}:${detections.map((d) => d.label).join()}`);
    },
    event: async () => {},
  };
}

const settings = {
  enabled: true,
  filter: { threshold: 0.5, labels: [], minArea: 0, mask: [], zones: {} },
  tracking: DEFAULT_TRACKING,
  events: { smoothing: { kernel: 'mean' as const, frames: 1 }, start: 0.5, end: 0.25 },
};
const noKernels = {
  hasEdges: false,
  run: async (f: Frame) => ({ preprocessed: f, edges: undefined }),
};

describe('CameraPipeline scheduling', () => {
  it('hands the model the next frame while it runs one, never more than one ahead, results in frame order', async () => {
    const model = new HeldModel();
    const results: string[] = [];
    const reports: { seq: number; runMs: number | undefined; inference: number }[] = [];
    const pipeline = new CameraPipeline({
      id: 'test',
      source: frames(4),
      kernels: noKernels,
      model,
      sink: sink(results),
      settings,
      onFrame: (r) => reports.push({ seq: r.seq, runMs: r.modelRunMs, inference: r.stages.inference }),
    });
    const done = pipeline.run(new AbortController().signal);
    // Frame 2 reaches the model before frame 1's run settles ...
    await model.calls(2);
    expect(model.started).toEqual([1, 2]);
    // ... and frame 3 waits until frame 1 is done: one running, one waiting, no more.
    await new Promise((r) => setTimeout(r, 20));
    expect(model.started).toEqual([1, 2]);
    model.settle();
    await model.calls(3);
    expect(model.started).toEqual([1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      model.settle();
      await new Promise((r) => setTimeout(r, 5));
    }
    await done;
    expect(results).toEqual(['1:frame1', '2:frame2', '3:frame3', '4:frame4']);
    // Each frame reports its own run's timings, not those of the run queued behind it.
    expect(reports.map((r) => r.runMs)).toEqual([1, 2, 3, 4]);
    expect(reports.map((r) => r.inference)).toEqual([1.75, 2.75, 3.75, 4.75]);
  });
});

describe('CameraPipeline frame rate', () => {
  it('is frames over time: 10 frames/s that come in pairs 1 ms apart read 10, and 0 once they stop', async () => {
    const clock = new ManualClock();
    let gauge = -1;
    // 100 frames, two every 200 ms: 10 frames/s over 10 s.
    const paired = {
      async *frames() {
        for (let seq = 1; seq <= 100; seq++) {
          await clock.advance(seq % 2 === 1 ? 199 : 1);
          yield { ...frame(seq), timestamp: clock.now() };
        }
      },
    };
    const pipeline = new CameraPipeline({
      id: 'test',
      source: paired,
      kernels: noKernels,
      sink: sink([]),
      settings,
      clock,
      metrics: {
        stage: {
          capture: { observe() {} },
          kernels: { observe() {} },
          inference: { observe() {} },
          postprocess: { observe() {} },
          publish: { observe() {} },
        },
        endToEnd: { observe() {} },
        fps: { set: (value) => (gauge = value) },
        masked: { inc() {} },
      },
    });
    await pipeline.run(new AbortController().signal);
    expect(gauge).toBeGreaterThan(9);
    expect(gauge).toBeLessThan(11);
    expect(pipeline.status().fps).toBeCloseTo(gauge, 5);
    // The stream ends: the camera shows no rate rather than its last one.
    await clock.advance(10_000);
    expect(pipeline.status().fps).toBe(0);
    await pipeline.stop();
    expect(gauge).toBe(0);
  });
});

describe('CameraPipeline end reasons', () => {
  const always: Model = {
    task: 'detect',
    lastTimings: undefined,
    run: async () => [{ label: 'stop', classId: 0, score: 0.9 }],
  };
  const recording = (events: string[]): PipelineSink => ({
    ...sink([]),
    event: async (e) => {
      events.push(`${e.type} ${e.label}${e.reason === undefined ? '' : ` ${e.reason}`}`);
    },
  });

  it("ends what is present with reason 'stopped' when the camera stops", async () => {
    const events: string[] = [];
    const pipeline = new CameraPipeline({
      id: 'test',
      source: frames(3),
      kernels: noKernels,
      model: always,
      sink: recording(events),
      settings,
    });
    await pipeline.run(new AbortController().signal);
    await pipeline.stop();
    expect(events).toEqual(['start stop', 'end stop stopped']);
  });

  it("ends what is present with reason 'disabled' when a command pauses the camera", async () => {
    const events: string[] = [];
    let pipeline: CameraPipeline | undefined;
    const pausedAfterTwo = {
      async *frames() {
        for (let seq = 1; seq <= 4; seq++) {
          if (seq === 3) pipeline?.configure({ ...settings, enabled: false });
          yield frame(seq);
        }
      },
    };
    pipeline = new CameraPipeline({
      id: 'test',
      source: pausedAfterTwo,
      kernels: noKernels,
      model: always,
      sink: recording(events),
      settings,
    });
    await pipeline.run(new AbortController().signal);
    await pipeline.stop();
    expect(events).toEqual(['start stop', 'end stop disabled']);
  });
});
