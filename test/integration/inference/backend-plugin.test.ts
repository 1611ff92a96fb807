// Backend plug-ins (inference.backend): the fixture package test/fixtures/backends/edgecam-backend-wasm
// is written as a vendor's package would be (docs/backends.md) and runs the sign model on
// onnxruntime-web. Here it is installed by name, as `npm install` would (a node_modules entry in a
// temporary folder), and loaded by that name by the loader, `model run`, `doctor` and the daemon.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackendPlugin } from '../../../src/inference/backend-plugin.js';
import { createDetector } from '../../../src/inference/detector.js';
import { readImage } from '../../../src/model-tools/image-reader.js';
import { runCli, withoutRuntimeNotice } from '../cli-helpers.js';
import { startDaemon } from '../daemon/daemon-child.js';
import { subscribe } from '../publish/subscriber.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/backends/edgecam-backend-wasm', import.meta.url));
const SIGNS = fileURLToPath(new URL('../../../models/signs', import.meta.url));
const SAMPLE = join(SIGNS, 'samples', 'frame_040.jpg');
const NAME = 'edgecam-backend-wasm';

let root: string;

/** A package in root/node_modules with this index.js, as an installed npm package is. */
async function fakePackage(name: string, index: string): Promise<void> {
  const dir = join(root, 'node_modules', name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, type: 'module', exports: './index.js' }));
  await writeFile(join(dir, 'index.js'), index);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgecam-backend-'));
  await mkdir(join(root, 'node_modules'));
  await symlink(FIXTURE, join(root, 'node_modules', NAME), 'dir');
  await fakePackage('not-a-plugin', 'export const answer = 42;\n');
  await fakePackage(
    'future-plugin',
    "export const edgecamBackend = { apiVersion: 2, name: 'future', load: async () => { throw new Error('never'); } };\n",
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadBackendPlugin', () => {
  it('loads an installed plug-in by its package name, and by its path', async () => {
    expect((await loadBackendPlugin(NAME, root)).name).toBe('wasm-fixture');
    expect((await loadBackendPlugin(FIXTURE, root)).name).toBe('wasm-fixture');
  });

  it('names the package and the npm install line when it is not installed', async () => {
    await expect(loadBackendPlugin('edgecam-backend-nowhere', root)).rejects.toMatchObject({
      code: 'EDGECAM_ERR_BACKEND',
      message: expect.stringMatching(
        /^The backend plug-in "edgecam-backend-nowhere" \(inference\.backend\) is not installed: .*\. Fix: install it with `npm install edgecam-backend-nowhere`/,
      ),
    });
  });

  it('refuses a package that is not a plug-in, or one written for another interface version, saying which', async () => {
    await expect(loadBackendPlugin('not-a-plugin', root)).rejects.toMatchObject({
      code: 'EDGECAM_ERR_BACKEND',
      message: expect.stringContaining('is not an edgecam backend plug-in: it exports no `edgecamBackend`'),
    });
    await expect(loadBackendPlugin('future-plugin', root)).rejects.toMatchObject({
      code: 'EDGECAM_ERR_BACKEND',
      message: expect.stringContaining('written for backend interface 2, and this edgecam speaks 1'),
    });
  });
});

describe('a model on a backend plug-in', () => {
  it('finds the signs the built-in ONNX Runtime finds, in the model worker', async () => {
    const image = await readImage(SAMPLE);
    const builtIn = await createDetector({ model: SIGNS, accelerator: 'cpu', threads: 1 });
    const plugin = await createDetector({ model: SIGNS, backend: FIXTURE, threads: 1 });
    try {
      expect(plugin.info).toMatchObject({ provider: 'wasm-fixture', runtime: expect.stringContaining(NAME) });
      const [a, b] = [await builtIn.run(image), await plugin.run(image)];
      expect(a.length).toBeGreaterThan(0);
      expect(b.map((d) => d.label)).toEqual(a.map((d) => d.label));
      // The WebAssembly build's int8 kernels differ in last bits (inference/wasm.test.ts: 0.004 at most).
      for (const [i, d] of b.entries()) expect(Math.abs(d.score - a[i]!.score)).toBeLessThan(0.02);
    } finally {
      await Promise.all([builtIn.close(), plugin.close()]);
    }
  });

  it('edgecam model run --backend runs it by name from where the package is installed', async () => {
    const r = await runCli(['model', 'run', SIGNS, SAMPLE, '--backend', NAME], {}, { cwd: root });
    expect(withoutRuntimeNotice(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { provider: string; detections: { label: string }[] };
    expect(out.provider).toBe('wasm-fixture');
    expect(out.detections.map((d) => d.label)).toContain('go-straight');
  });

  it('edgecam model run --backend with a package that is not installed exits 1 with the fix', async () => {
    const r = await runCli(
      ['model', 'run', SIGNS, SAMPLE, '--backend', 'edgecam-backend-nowhere'],
      {},
      { cwd: root },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm install edgecam-backend-nowhere');
  });
});

describe('edgecam doctor with inference.backend', () => {
  interface Report {
    checks: { name: string; status: string; found: string; fix?: string }[];
  }
  const doctor = async (backend: string) => {
    const file = join(root, `doctor-${backend}.yaml`);
    await writeFile(file, `inference:\n  backend: ${backend}\ncameras: []\n`);
    const r = await runCli(['doctor', '--json', '--config', file], {}, { cwd: root });
    return (JSON.parse(r.stdout) as Report).checks.filter((c) => c.name.startsWith('backend'));
  };

  it("reports that the plug-in loads, then the plug-in's own checks", async () => {
    expect(await doctor(NAME)).toEqual([
      { name: 'backend', status: 'ok', found: `wasm-fixture (${NAME}) loads` },
      { name: 'backend:runtime', status: 'ok', found: expect.stringMatching(/^onnxruntime-web \d/) },
      { name: 'backend:webassembly', status: 'ok', found: 'WebAssembly is available' },
    ]);
  });

  it('fails the backend line with the install command when the package is missing', async () => {
    expect(await doctor('edgecam-backend-nowhere')).toEqual([
      {
        name: 'backend',
        status: 'fail',
        found: expect.stringContaining('"edgecam-backend-nowhere" (inference.backend) is not installed'),
        fix: expect.stringContaining('npm install edgecam-backend-nowhere'),
      },
    ]);
  });
});

describe('edgecam config check with inference.backend', () => {
  it('names inference.backend, once, when the plug-in is not installed (exit 78)', async () => {
    const file = join(root, 'check.yaml');
    await writeFile(
      file,
      `inference: { backend: edgecam-backend-nowhere }
cameras:
  - { id: a, source: { kind: file, path: ${join(SIGNS, 'samples')} }, model: ${SIGNS} }
  - { id: b, source: { kind: file, path: ${join(SIGNS, 'samples')} }, model: ${SIGNS} }
`,
    );
    const r = await runCli(['config', 'check', '--config', file], {}, { cwd: root });
    expect(r.code).toBe(78);
    expect(r.stdout + r.stderr).toContain('1 problem in');
    expect(r.stdout + r.stderr).toMatch(
      /inference\.backend: The backend plug-in "edgecam-backend-nowhere" .*\n {2}fix: install it with `npm install edgecam-backend-nowhere`/,
    );
  });
});

describe('edgecam run with inference.backend', () => {
  it('loads the plug-in by name and publishes its detections', async () => {
    const file = join(root, 'run.yaml');
    await writeFile(
      file,
      `device: plugin
stateDir: ${join(root, 'state')}
http: { port: 0 }
mqtt: { url: '', broker: { port: 0 } }
inference: { backend: ${NAME} }
cameras:
  - id: demo
    source: { kind: file, path: ${join(SIGNS, 'samples')}, loop: true, pace: realtime }
    model: ${SIGNS}
`,
    );
    const child = startDaemon(file, { cwd: root });
    try {
      const loaded = await child.waitForLog((l) => l.msg.startsWith('model signs loaded'), 'the model');
      expect(loaded).toMatchObject({ msg: 'model signs loaded (wasm-fixture)', provider: 'wasm-fixture' });
      const watch = await child.waitForLog((l) => l.msg.startsWith('watch MQTT:'), 'the broker');
      const sub = await subscribe(String(watch.broker), 'edgecam/plugin/demo/detections');
      try {
        const m = await sub.waitFor(
          (msg) => (JSON.parse(msg.payload.toString()) as { detections: unknown[] }).detections.length > 0,
          'a detection',
        );
        expect(JSON.parse(m.payload.toString())).toMatchObject({ model: { name: 'signs' } });
      } finally {
        await sub.close();
      }
    } finally {
      await child.kill9();
    }
  });
});
