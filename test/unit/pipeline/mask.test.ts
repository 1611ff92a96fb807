import { describe, expect, it } from 'vitest';
import type { MaskPolygons } from '../../../src/config/detection-schema.js';
import type { Detection } from '../../../src/detection.js';
import type { Frame } from '../../../src/frame.js';
import {
  CameraPipeline,
  DEFAULT_TRACKING,
  filterDetections,
  isMasked,
  type PipelineSink,
} from '../../../src/pipeline/index.js';

// The top-left quarter, and a triangle along the right edge.
const topLeft: MaskPolygons = [
  [
    [0, 0],
    [0.5, 0],
    [0.5, 0.5],
    [0, 0.5],
  ],
];
const rightEdge: MaskPolygons[number] = [
  [1, 0],
  [1, 1],
  [0.8, 0.5],
];
const lowerHalf: [number, number][] = [
  [0, 0.5],
  [1, 0.5],
  [1, 1],
  [0, 1],
];

/** A counter like the metric's, keeping its sum. */
function counter() {
  const c = { total: 0, inc: (n = 1) => (c.total += n) };
  return c;
}

describe('isMasked', () => {
  it("uses the box's centre: a box reaching into the mask with its centre outside is not masked", () => {
    expect(isMasked({ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }, topLeft)).toBe(true);
    // Centre (0.6, 0.3): its left half is in the mask, its centre is not.
    expect(isMasked({ x: 0.4, y: 0.2, w: 0.4, h: 0.2 }, topLeft)).toBe(false);
    // From y 0.2 to 0.6 over the lower half: its bottom centre (where zones look) is in, its centre
    // (0.5, 0.4) is not.
    expect(isMasked({ x: 0.4, y: 0.2, w: 0.2, h: 0.4 }, [lowerHalf])).toBe(false);
    expect(isMasked({ x: 0.4, y: 0.4, w: 0.2, h: 0.4 }, [lowerHalf])).toBe(true);
  });

  it('masks inside any of several polygons, and nothing with none', () => {
    const both = [...topLeft, rightEdge];
    expect(isMasked({ x: 0.9, y: 0.45, w: 0.08, h: 0.1 }, both)).toBe(true);
    expect(isMasked({ x: 0.9, y: 0.45, w: 0.08, h: 0.1 }, topLeft)).toBe(false);
    expect(isMasked({ x: 0.1, y: 0.1, w: 0.2, h: 0.2 }, [])).toBe(false);
  });
});

describe('filterDetections with a mask', () => {
  const found: Detection[] = [
    { label: 'stop', classId: 0, score: 0.9, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 } }, // masked
    { label: 'stop', classId: 0, score: 0.2, box: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 } }, // below threshold
    { label: 'yield', classId: 1, score: 0.8, box: { x: 0.6, y: 0.6, w: 0.2, h: 0.2 } }, // kept
    { label: 'yield', classId: 1, score: 0.8, box: { x: 0.6, y: 0.1, w: 0.2, h: 0.2 } }, // kept, no zone
    { label: 'stop', classId: 0, score: 0.9 }, // a classification: no box to mask
  ];
  const settings = { threshold: 0.5, labels: [], minArea: 0, mask: topLeft, zones: {} };

  it('drops boxes whose centre is in the mask and counts only those that would have counted', () => {
    const masked = counter();
    const kept = filterDetections(found, settings, masked);
    expect(kept).toEqual([found[2], found[3], found[4]]);
    // The low-score box in the mask was dropped by the threshold, not the mask.
    expect(masked.total).toBe(1);
  });

  it('masks before zones: a masked box in a zone is dropped, an unmasked one outside every zone too', () => {
    const inZone: Detection = {
      label: 'stop',
      classId: 0,
      score: 0.9,
      box: { x: 0.1, y: 0.3, w: 0.2, h: 0.3 },
    };
    // Centre (0.2, 0.45) in the mask; bottom centre (0.2, 0.6) in the lower half.
    const masked = counter();
    const kept = filterDetections([inZone, ...found], { ...settings, zones: { ground: lowerHalf } }, masked);
    expect(kept).toEqual([found[2], found[4]]);
    expect(masked.total).toBe(2);
  });

  it('with no mask drops nothing and counts nothing', () => {
    const masked = counter();
    expect(filterDetections(found, { ...settings, mask: [] }, masked)).toHaveLength(4);
    expect(masked.total).toBe(0);
  });
});

describe('CameraPipeline with a mask', () => {
  it('never publishes, keeps or starts an event for a masked detection, and counts it per frame', async () => {
    const frames = {
      async *frames() {
        for (let seq = 1; seq <= 3; seq++) {
          yield {
            width: 4,
            height: 4,
            channels: 1,
            data: new Uint8Array(16),
            seq,
            timestamp: Date.now(),
            source: 't',
          } as Frame;
        }
      },
    };
    const model = {
      task: 'detect' as const,
      lastTimings: undefined,
      run: async () => [found('poster', 0.1, 0.1), found('stop', 0.7, 0.7)],
    };
    const published: string[] = [];
    const events: string[] = [];
    const sink: PipelineSink = {
      edgesWanted: () => false,
      edges() {},
      results: (_f, detections) => published.push(detections.map((d) => d.label).join()),
      event: async (e) => {
        events.push(`${e.type}:${e.label}`);
      },
    };
    const masked = counter();
    const noop = { observe() {} };
    const pipeline = new CameraPipeline({
      id: 't',
      source: frames,
      kernels: { hasEdges: false, run: async (f) => ({ preprocessed: f, edges: undefined }) },
      model,
      sink,
      settings: {
        enabled: true,
        filter: { threshold: 0.5, labels: [], minArea: 0, mask: topLeft, zones: {} },
        tracking: DEFAULT_TRACKING,
        events: { smoothing: { kernel: 'mean', frames: 1 }, start: 0.5, end: 0.25 },
      },
      metrics: {
        stage: { capture: noop, kernels: noop, inference: noop, postprocess: noop, publish: noop },
        endToEnd: noop,
        fps: { set() {} },
        masked,
      },
    });
    await pipeline.run(new AbortController().signal);
    expect(published).toEqual(['stop', 'stop', 'stop']);
    expect(events).toEqual(['start:stop']);
    expect(pipeline.status().detections.map((d) => d.label)).toEqual(['stop']);
    expect(masked.total).toBe(3);
  });
});

function found(label: string, x: number, y: number): Detection {
  return { label, classId: 0, score: 0.9, box: { x, y, w: 0.2, h: 0.2 } };
}
