import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.js';
import { doctorReport, formatReport, runDoctor } from '../../../src/doctor/index.js';
import type { OnnxRuntimeModule } from '../../../src/doctor/onnx-runtime.js';
import { board, script, tempDir, writeTree } from './helpers.js';

/** A Raspberry Pi 5 as the checks see it: fixture /proc and /sys, a /dev with a USB camera, stand-in programs. */
async function pi5(backends = ['cpu', 'webgpu']) {
  const root = await tempDir();
  await writeTree(root, {
    'dev/video0': '',
    'lib/libvulkan.so.1': '',
    'icd.d/broadcom_icd.aarch64.json': '{}',
    'ort/.keep': '',
  });
  const bin = join(root, 'bin');
  await writeTree(root, { 'bin/.keep': '' });
  await script(bin, 'ffmpeg', 'echo "ffmpeg version 5.1.6-0+rpt1"');
  await script(bin, 'rpicam-vid', 'exit 0');
  await script(bin, 'vcgencmd', 'echo "throttled=0x0"');
  const summary = fileURLToPath(new URL('../../fixtures/vulkaninfo/pi5.txt', import.meta.url));
  await script(bin, 'vulkaninfo', `cat '${summary}'`);
  const loadOnnxRuntime = async (): Promise<OnnxRuntimeModule> => ({
    listSupportedBackends: () => backends.map((name) => ({ name, bundled: true })),
    env: { versions: { common: '1.30.0' } },
  });
  return {
    procRoot: `${board('pi5')}/proc`,
    sysRoot: `${board('pi5')}/sys`,
    devDir: join(root, 'dev'),
    path: bin,
    libDirs: [join(root, 'lib')],
    icdDirs: [join(root, 'icd.d')],
    ldconfig: '',
    vcgencmd: 'vcgencmd',
    vulkaninfo: 'vulkaninfo',
    cwd: root,
    arch: 'arm64',
    machine: 'aarch64',
    nodeVersion: '20.18.0',
    execPath: '/usr/bin/node',
    loadOnnxRuntime,
    onnxLibDir: join(root, 'ort'),
  };
}

/** A config for the fixture board: a USB camera, the embedded broker and HTTP on free ports. */
function config(device = '/dev/video0') {
  return configSchema.parse({
    http: { port: 0 },
    mqtt: { broker: { port: 0 } },
    cameras: [{ id: 'door', source: { kind: 'v4l2', device } }],
  });
}

describe('edgecam doctor: every check over a fixture board', () => {
  it('reports a healthy Pi 5 line by line, in order, all ok', async () => {
    const options = await pi5();
    const results = await runDoctor(config(join(options.devDir, 'video0')), options);
    expect(results.map((r) => r.name)).toEqual([
      'arch',
      'node',
      'cpu',
      'memory',
      'disk',
      'temperature',
      'throttling',
      'onnxruntime',
      'webgpu',
      'cameras',
      'ffmpeg',
      'mqtt',
      'http',
    ]);
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(results.find((r) => r.name === 'arch')?.found).toBe(
      'arm64 (Raspberry Pi 5 Model B Rev 1.0, kernel aarch64)',
    );
    expect(results.find((r) => r.name === 'webgpu')?.found).toMatch(
      /drivers: broadcom; adapter V3D 7\.1\.7\.0 \(Broadcom integrated GPU, .*\): a GPU/,
    );
  });

  it('leaves the webgpu line out where ONNX Runtime has no WebGPU provider', async () => {
    const results = await runDoctor(config(), await pi5(['cpu']));
    expect(results.map((r) => r.name)).not.toContain('webgpu');
  });

  it('leaves out the checks that read the config when it did not validate', async () => {
    const names = (await runDoctor(undefined, await pi5())).map((r) => r.name);
    expect(names).not.toContain('disk');
    expect(names).not.toContain('mqtt');
    expect(names).not.toContain('http');
    expect(names).toContain('cameras');
  });

  it('reports a check that throws as its own failure, and runs the others', async () => {
    const options = await pi5();
    const broken = async (): Promise<OnnxRuntimeModule> => ({
      listSupportedBackends: () => {
        throw new Error('binding exploded');
      },
      env: { versions: { common: '1.30.0' } },
    });
    const results = await runDoctor(config(), { ...options, loadOnnxRuntime: broken });
    const onnx = results.find((r) => r.name === 'onnxruntime');
    expect(onnx?.status).toBe('fail');
    expect(onnx?.found).toBe('the check itself failed: binding exploded');
    expect(results.map((r) => r.name)).toContain('http');
  });

  it("counts an ONNX model's camera as needing onnxruntime: the shipped sign model, on 32-bit ARM (WebAssembly, a warning)", async () => {
    const options = await pi5();
    const cfg = configSchema.parse({
      http: { port: 0 },
      mqtt: { broker: { port: 0 } },
      cameras: [{ id: 'signs', source: { kind: 'synthetic' }, model: join(process.cwd(), 'models/signs') }],
    });
    const noBuild = async (): Promise<OnnxRuntimeModule> => {
      throw new Error("Cannot find module '../bin/napi-v6/linux/arm/onnxruntime_binding.node'");
    };
    const results = await runDoctor(cfg, { ...options, arch: 'arm', loadOnnxRuntime: noBuild });
    const onnx = results.find((r) => r.name === 'onnxruntime');
    expect(onnx?.status).toBe('warn');
    expect(onnx?.found).toMatch(/a camera runs an ONNX model: ONNX models run on onnxruntime-web/);
  });
});

describe('the report', () => {
  it('prints one line per check, a fix line under each warning and failure, and the counts', () => {
    const report = doctorReport('/etc/edgecam/config.yaml', [
      { name: 'node', status: 'ok', found: 'Node 20.18.0 at /usr/bin/node' },
      { name: 'cpu', status: 'warn', found: 'no asimddp', fix: 'nothing to install' },
      { name: 'mqtt', status: 'fail', found: 'no broker', fix: 'start it' },
    ]);
    expect(report.counts).toEqual({ ok: 1, warn: 1, fail: 1 });
    expect(report.ok).toBe(false);
    expect(formatReport(report)).toBe(
      [
        'edgecam doctor, with /etc/edgecam/config.yaml:',
        'ok    node         Node 20.18.0 at /usr/bin/node',
        'warn  cpu          no asimddp',
        '                   fix: nothing to install',
        'fail  mqtt         no broker',
        '                   fix: start it',
        '1 ok, 1 warning, 1 failed: edgecam run needs the failed ones fixed',
        '',
      ].join('\n'),
    );
  });

  it('is ok with warnings alone', () => {
    const report = doctorReport('c.yaml', [{ name: 'cpu', status: 'warn', found: 'x', fix: 'y' }]);
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toMatch(/0 ok, 1 warning, 0 failed\n$/);
  });
});
