// The pipeline's detections through its tracker: what the detections message carries (id, age),
// which low scores it keeps, and in which order.
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import type { Frame, Image } from '../../../src/frame.js';
import {
  CameraPipeline,
  DEFAULT_TRACKING,
  filterDetections,
  type Model,
  type PipelineSettings,
  TrackIds,
} from '../../../src/pipeline/index.js';

const frame = (seq: number): Frame => ({
  width: 640,
  height: 480,
  channels: 1,
  data: new Uint8Array([seq]),
  seq,
  timestamp: Date.now(),
  source: 'test',
});

/** A model that finds, in frame `seq`, what `script[seq - 1]` says. */
function scripted(script: readonly (readonly Detection[])[]): Model {
  return {
    task: 'detect',
    lastTimings: undefined,
    run: async (image: Image<Uint8Array>) => script[image.data[0]! - 1] ?? [],
  };
}

const stop = (x: number, score = 0.9): Detection => ({
  label: 'stop',
  classId: 0,
  score,
  box: { x, y: 0.5, w: 0.3, h: 0.3 },
});
const sign = (x: number, y: number): Detection => ({
  label: 'yield',
  classId: 1,
  score: 0.8,
  box: { x, y, w: 0.1, h: 0.1 },
});

const settings = (tracking: Partial<PipelineSettings['tracking']> = {}): PipelineSettings => ({
  enabled: true,
  filter: { threshold: 0.5, labels: [], minArea: 0, mask: [], zones: {} },
  tracking: { ...DEFAULT_TRACKING, ...tracking },
  events: { smoothing: { kernel: 'mean', frames: 1 }, start: 0.5, end: 0.25 },
});

/** Runs the script through a pipeline; per frame, what was published: [label, id, age, score]. */
async function published(
  script: readonly (readonly Detection[])[],
  s: PipelineSettings,
): Promise<[string, string | undefined, number | undefined, number][][]> {
  const out: [string, string | undefined, number | undefined, number][][] = [];
  const pipeline = new CameraPipeline({
    id: 'test',
    source: {
      async *frames() {
        for (let seq = 1; seq <= script.length; seq++) yield frame(seq);
      },
    },
    kernels: { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) },
    model: scripted(script),
    sink: {
      edgesWanted: () => false,
      edges() {},
      results(_f, detections) {
        out.push(detections.map((d) => [d.label, d.id, d.age, d.score]));
      },
      event: async () => {},
    },
    settings: s,
    trackIds: new TrackIds(5),
  });
  await pipeline.run(new AbortController().signal);
  return out;
}

describe('CameraPipeline tracking', () => {
  it('gives each detection its age, and its id once born; a low score keeps a track alive unpublished', async () => {
    const script = [
      [sign(0.8, 0.05), stop(0.1)],
      [sign(0.8, 0.05), stop(0.11)],
      // The stop sign half hidden (0.3, below the threshold of 0.5); a new low score elsewhere.
      [sign(0.8, 0.05), stop(0.12, 0.3), { ...sign(0.1, 0.1), score: 0.3 }],
      [stop(0.13)],
    ];
    const frames = await published(script, settings());
    expect(frames).toEqual([
      // Largest first; tentative until seen in 2 frames in a row (hits: 2).
      [
        ['stop', undefined, 1, 0.9],
        ['yield', undefined, 1, 0.8],
      ],
      [
        ['stop', '5-2', 2, 0.9],
        ['yield', '5-1', 2, 0.8],
      ],
      // The half-hidden stop sign is not published (below the threshold) but keeps its track ...
      [['yield', '5-1', 3, 0.8]],
      // ... so it has its id when it scores high again, and its age counts the frame.
      [['stop', '5-2', 4, 0.9]],
    ]);
  });

  it('orders by distance to a point when asked: nearest to the top-right corner first', async () => {
    const script = [[stop(0.1), sign(0.85, 0.05), sign(0.4, 0.4)]];
    const [first] = await published(script, settings({ order: 'distance', point: [1, 0] }));
    expect(first!.map(([label, , , score]) => `${label}@${score}`)).toEqual([
      'yield@0.8',
      'yield@0.8',
      'stop@0.9',
    ]);
    const [bySize] = await published(script, settings());
    expect(bySize!.map(([label]) => label)).toEqual(['stop', 'yield', 'yield']);
  });

  it('starts counting anew after the camera is paused: its tracks end', async () => {
    const script = [[stop(0.1)], [stop(0.1)], [stop(0.1)], [stop(0.1)]];
    const born = settings({ hits: 1 });
    const pipeline = new CameraPipeline({
      id: 'test',
      source: {
        async *frames() {
          for (let seq = 1; seq <= 4; seq++) {
            if (seq === 3) pipeline.configure({ ...born, enabled: false });
            yield frame(seq);
            if (seq === 3) pipeline.configure(born);
          }
        },
      },
      kernels: { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) },
      model: scripted(script),
      sink: {
        edgesWanted: () => false,
        edges() {},
        results: (_f, detections) => ids.push(detections.map((d) => `${d.id}/${d.age}`).join()),
        event: async () => {},
      },
      settings: born,
      trackIds: new TrackIds(5),
    });
    const ids: string[] = [];
    await pipeline.run(new AbortController().signal);
    expect(ids).toEqual(['5-1/1', '5-1/2', '5-2/1']);
  });

  it('keeps scores down to the floor for the tracker, counting as masked only boxes at or above the threshold', () => {
    let masked = 0;
    const counter = {
      inc: (n = 1) => {
        masked += n;
      },
    };
    // Both boxes' centres are in the left half; one scores 0.9, one 0.3 (a low score).
    const leftHalf: [number, number][][] = [
      [
        [0, 0],
        [0.5, 0],
        [0.5, 1],
        [0, 1],
      ],
    ];
    const filter = { threshold: 0.5, labels: [], minArea: 0, mask: leftHalf, zones: {}, floor: 0.1 };
    const found = [stop(0.1), stop(0.1, 0.3), stop(0.6, 0.3), stop(0.6, 0.05)];
    expect(filterDetections(found, filter, counter).map((d) => [d.box!.x, d.score])).toEqual([[0.6, 0.3]]);
    expect(masked).toBe(1);
  });
});
