// The pipeline at events.level object: its sink gets each tracked object's events (not the
// labels'), and a stop ends the open ones; a classifier keeps label events.
import { describe, expect, it } from 'vitest';
import { type CameraEvent, type Detection, isObjectEvent } from '../../../src/detection.js';
import type { Frame, Image } from '../../../src/frame.js';
import {
  CameraPipeline,
  DEFAULT_TRACKING,
  type Model,
  type PipelineSettings,
} from '../../../src/pipeline/index.js';

const frame = (seq: number): Frame => ({
  width: 640,
  height: 480,
  channels: 1,
  data: new Uint8Array([seq]),
  seq,
  timestamp: 1000 + seq * 100,
  source: 'test',
});

const stop = (x: number): Detection => ({
  label: 'stop',
  classId: 0,
  score: 0.9,
  box: { x, y: 0.5, w: 0.2, h: 0.2 },
});

function scripted(task: Model['task'], script: readonly (readonly Detection[])[]): Model {
  return {
    task,
    lastTimings: undefined,
    run: async (image: Image<Uint8Array>) => script[image.data[0]! - 1] ?? [],
  };
}

const settings = (level: 'label' | 'object'): PipelineSettings => ({
  enabled: true,
  filter: { threshold: 0.5, labels: [], minArea: 0, mask: [], zones: {} },
  tracking: { ...DEFAULT_TRACKING, hits: 2, misses: 2 },
  events: { smoothing: { kernel: 'mean', frames: 1 }, start: 0.5, end: 0.25, level, snapshotInterval: 5 },
});

async function events(
  level: 'label' | 'object',
  task: Model['task'],
  script: Detection[][],
): Promise<string[]> {
  const seen: CameraEvent[] = [];
  const pipeline = new CameraPipeline({
    id: 'test',
    source: {
      async *frames() {
        for (let seq = 1; seq <= script.length; seq++) yield frame(seq);
      },
    },
    kernels: { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) },
    model: scripted(task, script),
    sink: {
      edgesWanted: () => false,
      edges() {},
      results() {},
      event: async (event) => void seen.push(event),
    },
    settings: settings(level),
  });
  await pipeline.run(new AbortController().signal);
  await pipeline.stop();
  return seen.map(
    (e) => `${e.type} ${isObjectEvent(e) ? e.objectId : e.label}${e.reason ? ` ${e.reason}` : ''}`,
  );
}

describe('CameraPipeline at events.level object', () => {
  it('publishes each object: two signs are two starts; one leaves (gone), the other is ended by the stop', async () => {
    const script = [
      [stop(0.1), stop(0.6)],
      [stop(0.1), stop(0.6)],
      [stop(0.1), stop(0.6)],
      [stop(0.1)],
      [stop(0.1)],
      [stop(0.1)],
    ];
    expect(await events('object', 'detect', script)).toEqual([
      'start 0-1',
      'start 0-2',
      'end 0-2 gone',
      'end 0-1 stopped',
    ]);
    // The same frames at label level: one presence of the label.
    expect(await events('label', 'detect', script)).toEqual([
      'start stop',
      'update stop',
      'end stop stopped',
    ]);
  });

  it('a classifier has no objects: it keeps label events', async () => {
    const top = [{ label: 'stop', classId: 0, score: 0.9 }];
    expect(await events('object', 'classify', [top, top])).toEqual(['start stop', 'end stop stopped']);
  });

  it('hands each crossing of a counting line to the sink, at events.level label too', async () => {
    // A sign moving right across a vertical line drawn upwards (in: moving right), then back.
    const xs = [0.2, 0.25, 0.3, 0.35, 0.4, 0.35, 0.3];
    const seen: string[] = [];
    const pipeline = new CameraPipeline({
      id: 'test',
      source: {
        async *frames() {
          for (let seq = 1; seq <= xs.length; seq++) yield frame(seq);
        },
      },
      kernels: { hasEdges: false, run: async (f: Frame) => ({ preprocessed: f, edges: undefined }) },
      model: scripted(
        'detect',
        xs.map((x) => [stop(x)]),
      ),
      sink: {
        edgesWanted: () => false,
        edges() {},
        results() {},
        event: async () => {},
        crossing: async (c) => void seen.push(`${c.line} ${c.direction} ${c.objectId} @${c.frame.seq}`),
      },
      settings: {
        ...settings('label'),
        lines: [{ name: 'middle', from: [0.42, 1], to: [0.42, 0], direction: 'both' }],
      },
    });
    await pipeline.run(new AbortController().signal);
    // Anchors (box centre x) 0.3, 0.35, 0.4, 0.45 (in, frame 4), 0.5, 0.45, 0.4 (out, frame 7).
    expect(seen).toEqual(['middle in 0-1 @4', 'middle out 0-1 @7']);
  });
});
