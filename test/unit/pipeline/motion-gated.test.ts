// detect.mode: motion in the pipeline: which frames the model runs on, on what, and what each
// frame reports, with a scripted motion port and a model that answers at once.
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import type { CameraImage, Frame } from '../../../src/frame.js';
import { type MotionResult, NO_MOTION } from '../../../src/motion-result.js';
import {
  CameraPipeline,
  DEFAULT_TRACKING,
  type Model,
  type PipelineSink,
} from '../../../src/pipeline/index.js';

const W = 640;
const H = 360;
const frame = (seq: number): Frame => ({
  width: W,
  height: H,
  channels: 1,
  data: new Uint8Array(W * H),
  seq,
  // 100 ms apart: keep-alive times are read from the frames.
  timestamp: seq * 100,
  source: 'test',
});

/** A model that records the size of each image it is given and answers with `answer`. */
class ScriptedModel implements Model {
  readonly task = 'detect' as const;
  readonly input = { width: 160, height: 160 };
  readonly lastTimings = undefined;
  readonly runs: string[] = [];
  constructor(readonly answer: (image: CameraImage, run: number) => Detection[]) {}

  async run(image: CameraImage): Promise<Detection[]> {
    this.runs.push(`${image.width}x${image.height}`);
    return this.answer(image, this.runs.length);
  }
}

const settings = (mode: 'always' | 'motion') => ({
  enabled: true,
  filter: { threshold: 0.5, labels: [], minArea: 0, mask: [], zones: {} },
  tracking: DEFAULT_TRACKING,
  events: { smoothing: { kernel: 'mean' as const, frames: 1 }, start: 0.5, end: 0.25 },
  detect: { mode, keepAlive: 1 },
});
const noKernels = { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) };

/** Motion in frames 6..8: a 20x20 px region at (500, 200). */
const moving: MotionResult = {
  moving: true,
  regions: [{ x: 500 / W, y: 200 / H, w: 20 / W, h: 20 / H }],
  share: 0.002,
  global: false,
};
const script = (seq: number) => (seq >= 6 && seq <= 8 ? moving : NO_MOTION);

const car: Detection = { label: 'car', classId: 0, score: 0.9, box: { x: 0.1, y: 0.5, w: 0.2, h: 0.2 } };

async function play(mode: 'always' | 'motion', model: ScriptedModel, count: number) {
  const reported: string[] = [];
  const motions: number[] = [];
  const sink: PipelineSink = {
    edgesWanted: () => false,
    edges() {},
    results(f, detections) {
      reported.push(`${f.seq}:${detections.map((d) => d.label).join('+')}`);
    },
    motion(f, m) {
      if (m.moving) motions.push(f.seq);
    },
    event: async () => {},
  };
  const pipeline = new CameraPipeline({
    id: 'test',
    source: {
      async *frames() {
        for (let seq = 1; seq <= count; seq++) yield frame(seq);
      },
    },
    kernels: noKernels,
    model,
    motion: { detect: (f) => script(f.seq) },
    sink,
    settings: settings(mode),
  });
  await pipeline.run(new AbortController().signal);
  return { reported, motions };
}

describe('detect.mode: motion', () => {
  it('runs the model once to start, on crops while things move, and again at the keep-alive; frames between report what it saw', async () => {
    // The first run (whole frame) sees a parked car; the crop run a person at the crop's centre;
    // the keep-alive run 1 s after the first sees nothing any more.
    const model = new ScriptedModel((image, run) => {
      if (run === 1) return [car];
      if (image.width < W)
        return [{ label: 'person', classId: 1, score: 0.8, box: { x: 0.45, y: 0.45, w: 0.1, h: 0.1 } }];
      return [];
    });
    const { reported, motions } = await play('motion', model, 12);
    expect(motions).toEqual([6, 7, 8]);
    // Frame 1: whole frame; 6..8: one 160 px crop each; 11 (1 s after frame 1): whole frame again.
    expect(model.runs).toEqual(['640x360', '160x160', '160x160', '160x160', '640x360']);
    expect(reported).toEqual([
      '1:car',
      '2:car',
      '3:car',
      '4:car',
      '5:car',
      // The car lies outside the crop: still reported, beside the person the crop found.
      '6:car+person',
      '7:car+person',
      '8:car+person',
      '9:car+person',
      '10:car+person',
      '11:',
      '12:',
    ]);
  });

  it('maps what the model found in a crop back to the frame', async () => {
    const model = new ScriptedModel((image) =>
      image.width < W
        ? [{ label: 'person', classId: 1, score: 0.8, box: { x: 0.25, y: 0.5, w: 0.125, h: 0.25 } }]
        : [],
    );
    const boxes: Detection[] = [];
    const pipeline = new CameraPipeline({
      id: 'test',
      source: {
        async *frames() {
          yield frame(1);
          yield frame(6);
        },
      },
      kernels: noKernels,
      model,
      motion: { detect: (f) => script(f.seq) },
      sink: {
        edgesWanted: () => false,
        edges() {},
        results: (_f, d) => boxes.push(...d),
        event: async () => {},
      },
      settings: settings('motion'),
    });
    await pipeline.run(new AbortController().signal);
    // The region's centre is (510, 210): the 160 px crop is at (430, 130).
    const { box } = boxes[0]!;
    expect(box!.x * W).toBeCloseTo(430 + 0.25 * 160, 9);
    expect(box!.y * H).toBeCloseTo(130 + 0.5 * 160, 9);
    expect(box!.w * W).toBeCloseTo(20, 9);
    expect(box!.h * H).toBeCloseTo(40, 9);
  });

  it('runs the model on every whole frame in detect.mode: always', async () => {
    const model = new ScriptedModel(() => [car]);
    const { reported, motions } = await play('always', model, 8);
    expect(model.runs).toEqual(Array(8).fill('640x360'));
    expect(reported).toHaveLength(8);
    expect(motions).toEqual([6, 7, 8]);
  });
});
