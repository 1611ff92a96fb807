import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';

describe('the inference: config section', () => {
  it('defaults to auto, not required, a thread per core, full graph optimisation', () => {
    expect(configSchema.parse({}).inference).toEqual({
      accelerator: 'auto',
      required: false,
      threads: 0,
      graphOptimizationLevel: 'all',
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

  it('rejects an accelerator it does not know', () => {
    expect(configSchema.safeParse({ inference: { accelerator: 'npu' } }).success).toBe(false);
  });
});
