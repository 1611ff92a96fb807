import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { GraphBuilder } from '../../onnx-builder/builder.js';
import { writePackage } from '../../onnx-builder/models.js';

/**
 * A model whose one object moves with the picture, for counting lines end to end: it reports a
 * 'person' (score 0.9) whose box centre x is 4 + 24 * the frame's mean brightness (input pixels of
 * 32), so a replay whose brightness ramps up and down walks it right and left across the middle of
 * the frame, a few hundredths of the width a frame (one track throughout).
 */

const SIZE = 32;

function movingModel(): Uint8Array {
  const g = new GraphBuilder('moving');
  const x = g.input('images', 'float32', [1, 3, SIZE, SIZE]);
  const perChannel = g.node('ReduceMean', [x], { axes: [2, 3], keepdims: 0 }); // [1, 3]
  const mean = g.node('ReduceMean', [perChannel], { axes: [1], keepdims: 1 }); // [1, 1]
  // Channels-first [1, 4 + 1, 1]: cx, cy, w, h, person.
  const base = g.initializer('base', 'float32', [1, 5, 1], [4, 16, 8, 8, 0.9]);
  const step = g.initializer('step', 'float32', [1, 5, 1], [24, 0, 0, 0, 0]);
  const moved = g.node('Mul', [mean, step]);
  g.rename(g.node('Add', [base, moved]), 'output0');
  g.output('output0', 'float32', [1, 5, 1]);
  return g.bytes();
}

/** Writes the model package into `dir`; returns its path. */
export function writeMovingModel(dir: string): Promise<string> {
  return writePackage(
    dir,
    {
      name: 'moving',
      version: '1.0.0',
      task: 'detect',
      model: 'model.onnx',
      input: { width: SIZE, height: SIZE, resize: 'stretch' },
      output: { decoder: 'yolov8', scoreThreshold: 0.01 },
      labels: 'labels.txt',
    },
    movingModel(),
    ['person'],
  );
}

/**
 * Writes a replay whose gray level ramps from 10 up to 240 and back in `steps` frames each way,
 * as numbered JPEGs.
 */
export async function writeRampFrames(
  dir: string,
  width: number,
  height: number,
  steps: number,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const levels: number[] = [];
  for (let i = 0; i < steps; i++) levels.push(Math.round(10 + (230 * i) / (steps - 1)));
  for (let i = steps - 2; i > 0; i--) levels.push(levels[i]!);
  for (const [i, level] of levels.entries()) {
    const jpeg = await sharp({
      create: { width, height, channels: 3, background: { r: level, g: level, b: level } },
    })
      .jpeg()
      .toBuffer();
    await writeFile(join(dir, `frame_${String(i).padStart(3, '0')}.jpg`), jpeg);
  }
  return dir;
}
