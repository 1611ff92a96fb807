import { describe, expect, it } from 'vitest';
import type { Image } from '../../../src/frame.js';
import { conv2dBank } from '../../../src/kernels/bank.js';
import { conv2d } from '../../../src/kernels/conv2d.js';
import { createKernel } from '../../../src/kernels/kernel.js';
import { resolveKernel } from '../../../src/kernels/library.js';
import { seededRandom } from '../../../src/random.js';
import { expectImageClose, randomImage, referenceConv2d, thrown } from './helpers.js';

const channel = (img: Image, c: number) => img.data.filter((_, i) => i % img.channels === c);

describe('conv2dBank', () => {
  it('gives one channel per 2-D kernel on a gray input', () => {
    const img = randomImage(seededRandom(1), 7, 6, 1);
    const bank = ['sobel-left', 'sobel-top', 'outline'].map(resolveKernel);
    const out = conv2dBank(img, bank, { border: 'reflect' });
    expect([out.width, out.height, out.channels]).toEqual([7, 6, 3]);
    bank.forEach((k, c) => {
      expect(channel(out, c), k.name).toEqual(conv2d(img, k, { border: 'reflect' }).data);
    });
  });

  it('turns two depth-matched 3-D kernels on RGB into a 2-channel map (seed 001)', () => {
    const r = seededRandom(2);
    const img = randomImage(r, 7, 5, 3);
    const cuboid = (name: string) =>
      createKernel({
        name,
        weights: Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => [r(), r() - 0.5, -r()])),
      });
    const bank = [cuboid('a'), cuboid('b')];
    for (const options of [{}, { padding: 'valid' as const, stride: 2, mode: 'correlate' as const }]) {
      const out = conv2dBank(img, bank, options);
      expect(out.channels).toBe(2);
      bank.forEach((k, c) => {
        const ref = referenceConv2d(img, k, {
          mode: 'convolve',
          padding: 'same',
          border: 'zero',
          stride: 1,
          ...options,
        });
        expectImageClose({ ...ref, data: channel(out, c) }, ref, `${k.name} ${JSON.stringify(options)}`);
      });
    }
  });

  it('accepts kernels of different sizes when they give the same output size', () => {
    const img = randomImage(seededRandom(3), 8, 8, 1);
    const out = conv2dBank(img, [resolveKernel('box3'), resolveKernel('gaussian5')]);
    expect(channel(out, 1)).toEqual(conv2d(img, resolveKernel('gaussian5')).data);
  });

  it('reuses a given out', () => {
    const img = randomImage(seededRandom(4), 5, 5, 1);
    const bank = [resolveKernel('sharpen'), resolveKernel('emboss')];
    const out: Image<Float32Array> = { width: 5, height: 5, channels: 2, data: new Float32Array(50) };
    expect(conv2dBank(img, bank, {}, out)).toBe(out);
    expect(out.data).toEqual(conv2dBank(img, bank).data);
  });

  it('rejects an empty bank, 2-D kernels on colour, mixed output sizes and depth mismatches', () => {
    const gray = randomImage(seededRandom(5), 6, 6, 1);
    const rgb = randomImage(seededRandom(6), 6, 6, 3);
    expect(thrown(() => conv2dBank(gray, [])).code).toBe('EDGECAM_ERR_ARGUMENT');
    const colour = thrown(() => conv2dBank(rgb, [resolveKernel('box3')]));
    expect(colour.code).toBe('EDGECAM_ERR_KERNEL');
    expect(colour.message).toMatch(/3 channels/);
    const mixed = thrown(() =>
      conv2dBank(gray, [resolveKernel('box3'), resolveKernel('gaussian5')], { padding: 'valid' }),
    );
    expect(mixed.message).toMatch(/4x4.*'box3' gives 2x2|2x2.*4x4/);
    const deep = createKernel({ name: 'deep', weights: new Float32Array(18), width: 3, height: 3, depth: 2 });
    expect(thrown(() => conv2dBank(rgb, [deep])).message).toMatch(/depth 2/);
  });
});
