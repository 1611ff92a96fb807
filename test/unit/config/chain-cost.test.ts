import { describe, expect, it } from 'vitest';
import { chainCostWarnings } from '../../../src/config/chain-cost.js';
import { configSchema } from '../../../src/config/schema.js';

const configWith = (camera: Record<string, unknown>, chains?: Record<string, unknown>) =>
  configSchema.parse({
    ...(chains === undefined ? {} : { kernels: { chains } }),
    cameras: [{ id: 'front', source: { kind: 'synthetic' }, ...camera }],
  });

describe('the estimated cost of a camera chain', () => {
  it('says nothing of the default chains at the default size', () => {
    expect(chainCostWarnings(configSchema.parse({}))).toEqual([]);
    expect(chainCostWarnings(configWith({ preprocess: 'denoise', edges: 'edges' }))).toEqual([]);
  });

  it('warns when a chain takes longer than the frame interval, naming the key, the chain and the cost', () => {
    const [warning, ...more] = chainCostWarnings(
      configWith(
        { width: 4000, height: 4000, fps: 10, preprocess: 'blur' },
        { blur: [{ kernel: 'gaussian2001' }] },
      ),
    );
    expect(more).toEqual([]);
    expect(warning?.segments).toEqual(['cameras', 0, 'preprocess']);
    expect(warning?.value).toBe('blur');
    expect(warning?.message).toMatch(
      /chain "blur" would take about \d+ s a frame .*gaussian2001.*100 ms \(fps 10\)/,
    );
    expect(warning?.fix).toMatch(/smaller kernel/);
  });

  it('weighs the frame rate: a chain that fits at 1 fps is too slow at 1000', () => {
    const steps = [{ kernel: 'gaussian31' }];
    expect(chainCostWarnings(configWith({ width: 1280, height: 720, fps: 1, edges: steps }))).toEqual([]);
    const [fast] = chainCostWarnings(configWith({ width: 1280, height: 720, fps: 1000, edges: steps }));
    expect(fast?.segments).toEqual(['cameras', 0, 'edges']);
    expect(fast?.message).toMatch(/the edges steps .* 1 ms \(fps 1000\)/);
  });
});
