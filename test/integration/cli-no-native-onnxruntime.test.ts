// edgecam on a board where onnxruntime-node has no build: 32-bit ARM (Raspberry Pi OS armhf).
// armv7 cannot run here natively, so the built CLI runs with a module hook
// (test/fixtures/no-native-onnxruntime/) that makes importing onnxruntime-node throw the error it
// throws there. Every command that runs no ONNX model must work as usual; ONNX models run on
// onnxruntime-web's WebAssembly build, with one warning saying why. scripts/board-smoke.sh runs the
// real thing under qemu.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, FRUITS, runCli } from './cli-helpers.js';

const HOOK = fileURLToPath(new URL('../fixtures/no-native-onnxruntime/register.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIGNS = join(ROOT, 'models/signs');
const FRAME = join(SIGNS, 'samples/frame_040.jpg');
/** The environment of a board without onnxruntime-node's binary. */
const ARMV7 = { NODE_OPTIONS: `--import ${HOOK}` };
const ARMV7_FAILURE = "Cannot find module '../bin/napi-v6/linux/arm/onnxruntime_binding.node'";
const FALLBACK_WARNING = new RegExp(
  `^edgecam: warning: onnxruntime-node cannot load \\(${escapeRegExp(ARMV7_FAILURE)}\\)[^\\n]*; ` +
    'running signs on onnxruntime-web 1\\.30\\.\\d+ \\(wasm, SIMD, \\d+ threads?\\) instead$',
  'm',
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `node ARGS` in the environment given; resolves with the exit code and output. */
function runNode(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 100_000 },
      (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      },
    );
  });
}

interface Printed {
  provider: string;
  runtime: string;
  detections: { label: string; score: number }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-armv7-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the simulated 32-bit ARM board', () => {
  it('fails onnxruntime-node as armv7 does (the hook bites)', async () => {
    const r = await runNode(['--input-type=module', '-e', "await import('onnxruntime-node')"], ARMV7);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(ARMV7_FAILURE);
  });
});

describe('edgecam without onnxruntime-node (32-bit ARM)', () => {
  it('--help, kernel list, config check and model inspect work and never load ONNX Runtime', async () => {
    for (const args of [['--help'], ['kernel', 'list'], ['config', 'check'], ['model', 'inspect', SIGNS]]) {
      const r = await runCli(args, ARMV7);
      expect({ args, stderr: r.stderr, code: r.code }).toEqual({ args, stderr: '', code: 0 });
    }
  });

  it('kernel apply writes its image', async () => {
    const out = join(dir, 'sobel.png');
    const r = await runCli(['kernel', 'apply', FRUITS, out, '--gray', '--kernel', 'sobel-left'], ARMV7);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('model run falls back to onnxruntime-web with one warning, and finds what onnxruntime-node finds', async () => {
    const [wasm, native] = await Promise.all([
      runCli(['model', 'run', SIGNS, FRAME, '--threads', '1'], ARMV7),
      runCli(['model', 'run', SIGNS, FRAME, '--threads', '1', '--accelerator', 'cpu']),
    ]);
    expect(wasm.code).toBe(0);
    expect(wasm.stderr).toMatch(FALLBACK_WARNING);
    expect(wasm.stderr.trim().split('\n')).toHaveLength(1);
    const onWasm = JSON.parse(wasm.stdout) as Printed;
    const onNative = JSON.parse(native.stdout) as Printed;
    expect(onWasm).toMatchObject({ provider: 'wasm', runtime: expect.stringMatching(/^onnxruntime-web /) });
    expect(onNative).toMatchObject({ provider: 'cpu', runtime: expect.stringMatching(/^onnxruntime-node /) });
    // Measured: the same four signs, scores equal to 0.0037 at most over the samples
    // (inference/wasm.test.ts compares every sample frame).
    expect(onWasm.detections.map((d) => d.label)).toEqual(onNative.detections.map((d) => d.label));
    expect(onWasm.detections.length).toBeGreaterThan(0);
    onWasm.detections.forEach((d, i) => {
      expect(Math.abs(d.score - onNative.detections[i]!.score)).toBeLessThanOrEqual(0.02);
    });
  });

  it('model run --accelerator wasm with onnxruntime-web and onnxruntime-node installed: no warning', async () => {
    const r = await runCli(['model', 'run', SIGNS, FRAME, '--accelerator', 'wasm', '--threads', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      provider: 'wasm',
      runtime: expect.stringMatching(/^onnxruntime-web 1\.30\.\d+ \(wasm, SIMD, 2 threads\)$/),
    });
  });

  it('model quantize calibrates on onnxruntime-web, saying so, into the model onnxruntime-node makes', async () => {
    const quantize = (out: string, env?: Record<string, string>) =>
      runCli(
        [
          'model',
          'quantize',
          join(SIGNS, 'model.float.onnx'),
          join(dir, out),
          '--calibration',
          join(SIGNS, 'samples'),
          '--max-images',
          '2',
          '--per-channel',
        ],
        env,
      );
    const [wasm, native] = await Promise.all([quantize('wasm.onnx', ARMV7), quantize('native.onnx')]);
    expect(wasm.code).toBe(0);
    expect(wasm.stderr).toMatch(
      /^edgecam: warning: onnxruntime-node cannot load \(.*\)[^\n]*; calibrating on onnxruntime-web .* instead, several times slower$/m,
    );
    expect(wasm.stdout).toMatch(/calibrated on 2 images, .* with onnxruntime-web 1\.30/);
    expect(native.stdout).toMatch(/calibrated on 2 images, .* with onnxruntime-node 1\.30/);
    // The same rewrite: same nodes quantized, same operator counts after.
    const nodes = (r: CliResult) =>
      r.stdout.split('\n').filter((l) => /^(quantized nodes|after| {2})/.test(l));
    expect(
      nodes(wasm)
        .join('\n')
        .replace(/\S+\.onnx/g, 'X'),
    ).toBe(
      nodes(native)
        .join('\n')
        .replace(/\S+\.onnx/g, 'X'),
    );
  });

  it('model eval warns once for its two runs (--data and --negatives)', async () => {
    const r = await runCli(
      [
        'model',
        'eval',
        SIGNS,
        '--data',
        join(ROOT, 'test/fixtures/signs-test'),
        '--negatives',
        join(ROOT, 'test/fixtures/negatives'),
        '--limit',
        '2',
      ],
      ARMV7,
    );
    expect(r.code).toBe(0);
    expect(r.stderr.match(/warning: onnxruntime-node cannot load/g)).toHaveLength(1);
    expect(r.stdout).toContain('mAP@0.5');
  });

  it('a model that must run on a named accelerator stops with EDGECAM_ERR_ACCELERATOR naming wasm', async () => {
    // The daemon's way in (inference.required: true), through the built module.
    const detector = join(ROOT, 'dist/inference/detector.js');
    const script = join(dir, 'required.mjs');
    await writeFile(
      script,
      `const { createDetector } = await import(${JSON.stringify(detector)});\n` +
        `await createDetector({ model: ${JSON.stringify(SIGNS)}, accelerator: 'cpu', required: true })` +
        '.then(() => console.log("loaded"), (e) => console.log(e.code, e.message));\n',
    );
    const r = await runNode([script], ARMV7);
    expect(r.stdout).toContain('EDGECAM_ERR_ACCELERATOR The accelerator cpu is required');
    expect(r.stdout).toContain(ARMV7_FAILURE);
    expect(r.stdout).toContain('Set inference.accelerator: wasm');
  });

  it('without onnxruntime-web either, model run stops with EDGECAM_ERR_ONNX_RUNTIME and the fix', async () => {
    const r = await runCli(['model', 'run', SIGNS, FRAME], { ...ARMV7, TEST_BLOCK_ONNXRUNTIME_WEB: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "edgecam: onnxruntime-web cannot load (Cannot find package 'onnxruntime-web'): install it with " +
        `\`cd ${ROOT.replace(/\/$/, '')} && npm install onnxruntime-web@1.30\` (a bundle for a 64-bit board ` +
        'leaves it out: there inference.accelerator auto or cpu runs onnxruntime-node) [EDGECAM_ERR_ONNX_RUNTIME]\n',
    );
  });
});
