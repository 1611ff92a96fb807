import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installCommand, OPTIONAL_PACKAGES } from '../../../src/inference/optional-packages.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

describe('the optional packages the error messages name', () => {
  it('have the versions package.json installs', () => {
    const pinned = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const spec of Object.values(OPTIONAL_PACKAGES).flat()) {
      const at = spec.lastIndexOf('@');
      expect({ spec, pinned: pinned[spec.slice(0, at)] }).toEqual({ spec, pinned: spec.slice(at + 1) });
    }
  });

  it('TensorFlow.js is optional: edgecam runs ONNX models without it', () => {
    for (const spec of OPTIONAL_PACKAGES.tfjs) {
      const name = spec.slice(0, spec.lastIndexOf('@'));
      expect({ name, optional: name in pkg.optionalDependencies }).toEqual({ name, optional: true });
    }
  });

  it('are installed in the package root, wherever edgecam is', () => {
    const root = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
    expect(installCommand(['a@1', 'b@2'])).toBe(`cd ${root} && npm install a@1 b@2`);
  });
});
