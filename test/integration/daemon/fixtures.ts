import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { GraphBuilder } from '../../onnx-builder/builder.js';
import { writePackage } from '../../onnx-builder/models.js';

/**
 * What the daemon's end-to-end tests run on: a model whose output follows the picture, and a
 * replay of frames for a file camera. The model (YOLOv8 layout, two anchors) reports 'stop' with
 * the frame's mean brightness as its score, and 'yield' at a constant 0.6; so bright frames show
 * a stop sign and dark ones do not, and a threshold above 0.6 hides every yield.
 */

export const LABELS = ['stop', 'yield'] as const;
export const YIELD_SCORE = 0.6;
const SIZE = 32;

function brightnessModel(): Uint8Array {
  const g = new GraphBuilder('brightness');
  const x = g.input('images', 'float32', [1, 3, SIZE, SIZE]);
  const perChannel = g.node('ReduceMean', [x], { axes: [2, 3], keepdims: 0 }); // [1, 3]
  const mean = g.node('ReduceMean', [perChannel], { axes: [1], keepdims: 1 }); // [1, 1]
  // Channels-first [1, 4 + 2, 2]: value (row r, anchor a) at r * 2 + a.
  const rows = [
    [8, 24], // cx (input pixels)
    [16, 16], // cy
    [8, 8], // w
    [8, 8], // h
    [0, 0], // stop: the brightness, added below
    [0, YIELD_SCORE], // yield
  ];
  const base = g.initializer('base', 'float32', [1, 6, 2], rows.flat());
  const mask = g.initializer(
    'stop_mask',
    'float32',
    [1, 6, 2],
    rows.flatMap((_, r) => (r === 4 ? [1, 0] : [0, 0])),
  );
  const stop = g.node('Mul', [mean, mask]);
  g.rename(g.node('Add', [base, stop]), 'output0');
  g.output('output0', 'float32', [1, 6, 2]);
  return g.bytes();
}

/** Writes the model package into `dir`; returns its path. */
export function writeBrightnessModel(dir: string): Promise<string> {
  return writePackage(
    dir,
    {
      name: 'brightness',
      version: '1.0.0',
      task: 'detect',
      model: 'model.onnx',
      input: { width: SIZE, height: SIZE, resize: 'stretch' },
      output: { decoder: 'yolov8', scoreThreshold: 0.01 },
      labels: 'labels.txt',
    },
    brightnessModel(),
    LABELS,
  );
}

/**
 * Writes a replay: `bright` frames at gray level 220, then `dark` at 10, as numbered JPEGs.
 * @example await writeFrames(dir, 160, 120, 12, 12)
 */
export async function writeFrames(
  dir: string,
  width: number,
  height: number,
  bright: number,
  dark: number,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const frame = (level: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: level } } })
      // A bright square, so that the edge map has edges.
      .composite([
        {
          input: { create: { width: width / 4, height: height / 4, channels: 3, background: '#fff' } },
          top: height / 4,
          left: width / 4,
        },
      ])
      .jpeg()
      .toBuffer();
  const light = await frame(220);
  const shade = await frame(10);
  for (let i = 0; i < bright + dark; i++) {
    await writeFile(join(dir, `frame_${String(i).padStart(3, '0')}.jpg`), i < bright ? light : shade);
  }
  return dir;
}
