import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkOnnxRuntime,
  defaultOnnxLibDir,
  loadOnnxRuntimeNode,
  type OnnxRuntimeModule,
} from '../../../src/doctor/onnx-runtime.js';
import { tempDir } from './helpers.js';

const auto = { accelerator: 'auto', required: false } as const;

/** An onnxruntime-node stand-in offering `backends`. */
function runtime(backends: { name: string; bundled: boolean }[]): () => Promise<OnnxRuntimeModule> {
  return async () => ({
    listSupportedBackends: () => backends,
    env: { versions: { node: '1.30.0', common: '1.30.0' } },
  });
}

const PC = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
  { name: 'tensorrt', bundled: false },
];

/** onnxruntime-node on 32-bit ARM: its binding.js requires a folder that is not in the package. */
const noArmBuild = async (): Promise<OnnxRuntimeModule> => {
  throw new Error(
    "Cannot find module '../bin/napi-v6/linux/arm/onnxruntime_binding.node'\nRequire stack: ...",
  );
};

describe('doctor: onnxruntime', () => {
  it('loads the real onnxruntime-node on this machine and lists the CPU provider', async ({ skip }) => {
    if (!['x64', 'arm64'].includes(process.arch)) skip(`onnxruntime-node has no ${process.arch} build`);
    const r = await checkOnnxRuntime({
      load: loadOnnxRuntimeNode,
      libDir: defaultOnnxLibDir(),
      arch: process.arch,
      inference: auto,
      needsOnnx: true,
    });
    expect(r.result.status).toBe('ok');
    expect(r.result.found).toMatch(/^onnxruntime-node \d+\.\d+\.\d+: providers cpu/);
    expect(r.providers).toContain('cpu');
  });

  it('lists bundled providers as usable, and GPU providers only when their libraries are beside the binding', async () => {
    const libDir = await tempDir();
    const without = await checkOnnxRuntime({
      load: runtime(PC),
      libDir,
      arch: 'x64',
      inference: auto,
      needsOnnx: true,
    });
    expect(without.providers).toEqual(['cpu', 'webgpu']);
    expect(without.result).toEqual({
      name: 'onnxruntime',
      status: 'ok',
      found:
        "onnxruntime-node 1.30.0: providers cpu, webgpu; cuda, tensorrt not installed (ONNX Runtime's GPU provider files)",
    });
    await writeFile(join(libDir, 'libonnxruntime_providers_cuda.so'), '');
    const withCuda = await checkOnnxRuntime({
      load: runtime(PC),
      libDir,
      arch: 'x64',
      inference: auto,
      needsOnnx: true,
    });
    expect(withCuda.providers).toEqual(['cpu', 'webgpu', 'cuda']);
  });

  it('warns when the configured accelerator (cuda) is missing, and fails when it is required', async () => {
    const libDir = await tempDir();
    const facts = { load: runtime(PC), libDir, arch: 'arm64', needsOnnx: true };
    const fallback = await checkOnnxRuntime({
      ...facts,
      inference: { accelerator: 'cuda', required: false },
    });
    expect(fallback.result.status).toBe('warn');
    expect(fallback.result.found).toMatch(/inference\.accelerator is cuda, which falls back to the CPU/);
    expect(fallback.result.fix).toContain(libDir);
    const required = await checkOnnxRuntime({ ...facts, inference: { accelerator: 'cuda', required: true } });
    expect(required.result.status).toBe('fail');
    expect(required.result.fix).toMatch(/inference\.accelerator: auto/);
  });

  it('warns when webgpu is named but this build has none (the Linux arm64 prebuilt)', async () => {
    const cpuOnly = runtime([{ name: 'cpu', bundled: true }]);
    const r = await checkOnnxRuntime({
      load: cpuOnly,
      libDir: '/x',
      arch: 'arm64',
      inference: { accelerator: 'webgpu', required: false },
      needsOnnx: true,
    });
    expect(r.result.status).toBe('warn');
    expect(r.result.found).toBe(
      'onnxruntime-node 1.30.0: providers cpu; inference.accelerator is webgpu, which falls back to the CPU',
    );
    expect(r.result.fix).toMatch(/no webgpu provider/);
  });

  it('warns on 32-bit ARM when a camera runs an ONNX model: it runs on WebAssembly, slower', async () => {
    const r = await checkOnnxRuntime({
      load: noArmBuild,
      libDir: '/x',
      arch: 'arm',
      inference: auto,
      needsOnnx: true,
    });
    expect(r.providers).toEqual([]);
    expect(r.result.status).toBe('warn');
    expect(r.result.found).toBe(
      'onnxruntime-node has no 32-bit ARM build, and a camera runs an ONNX model: ONNX models run on onnxruntime-web (WebAssembly)',
    );
    expect(r.result.fix).toMatch(/TensorFlow\.js models \(model\.json backend: tfjs\)/);
    expect(r.result.fix).toMatch(/several times slower/);
    expect(r.result.fix).toMatch(/64-bit OS/);
  });

  it('only warns on 32-bit ARM when no camera runs an ONNX model', async () => {
    const r = await checkOnnxRuntime({
      load: noArmBuild,
      libDir: '/x',
      arch: 'arm',
      inference: auto,
      needsOnnx: false,
    });
    expect(r.result.status).toBe('warn');
  });

  it('fails with the loader error where a build should exist but does not load', async () => {
    const load = async (): Promise<OnnxRuntimeModule> => {
      throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');
    };
    const r = await checkOnnxRuntime({ load, libDir: '/x', arch: 'arm64', inference: auto, needsOnnx: true });
    expect(r.result.status).toBe('fail');
    expect(r.result.found).toMatch(/does not load \(libonnxruntime\.so\.1: cannot open/);
    expect(r.result.fix).toMatch(/npm ci --omit=dev/);
  });
});
