import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const wasmDir = join(import.meta.dirname, '../../../src/kernels/wasm');

// Repeats scripts/build-wasm.mjs's hash: the committed module must come from the committed sources.
function hashSources(dir: string): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(dir, name), 'utf8').replace(/\r\n/g, '\n'));
  }
  return hash.digest('hex');
}

describe('committed kernels.wasm', () => {
  const record = JSON.parse(readFileSync(join(wasmDir, 'generated/kernels.build.json'), 'utf8')) as {
    sources: string;
    wasm: string;
  };

  it('was built from the AssemblyScript sources as they are now (else run npm run build:wasm)', () => {
    expect(hashSources(join(wasmDir, 'assembly'))).toBe(record.sources);
  });

  it('is the module that build recorded (else run npm run build:wasm)', () => {
    const bytes = readFileSync(join(wasmDir, 'generated/kernels.wasm'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(record.wasm);
  });
});
