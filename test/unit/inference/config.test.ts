import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { pipelineThreadCount, threadCount } from '../../../src/inference/options.js';

describe('the inference: config section', () => {
  it('defaults to auto, not required, threads chosen from the cores (0), full graph optimisation, the built-in backends', () => {
    expect(configSchema.parse({}).inference).toEqual({
      accelerator: 'auto',
      required: false,
      threads: 0,
      graphOptimizationLevel: 'all',
      backend: '',
    });
  });

  it('rejects required: true with accelerator auto, with a fix', () => {
    const r = configSchema.safeParse({ inference: { required: true } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['inference', 'required']);
    expect(issue.message).toContain('needs a named accelerator');
    expect((issue as { params?: { fix?: string } }).params?.fix).toContain('accelerator: cuda');
  });

  it('takes wasm (onnxruntime-web), also as a required one', () => {
    const r = configSchema.parse({ inference: { accelerator: 'wasm', required: true } });
    expect(r.inference).toMatchObject({ accelerator: 'wasm', required: true });
  });

  it('rejects an accelerator it does not know', () => {
    expect(configSchema.safeParse({ inference: { accelerator: 'npu' } }).success).toBe(false);
  });

  it('threads 0: one per core but one in the daemon (at least one), one per core elsewhere', () => {
    expect([2, 4, 1].map((cores) => pipelineThreadCount(0, cores))).toEqual([1, 3, 1]);
    expect(pipelineThreadCount(2, 4)).toBe(2);
    expect(pipelineThreadCount(6, 2)).toBe(6);
    expect(threadCount(3)).toBe(3);
  });
});
