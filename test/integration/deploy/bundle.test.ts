// A bundle for this machine (linux-x64 on CI), built once by `scripts/bundle.ts` as `npm run bundle`
// runs it, installed by deploy/install.sh --bundle under a temporary prefix with no npm registry
// (an unreachable one, offline, an empty cache), then run from the installed tree.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-helpers.js';
import { missingTool } from '../system-tools.js';
import { INSTALL, ROOT, type Run, run } from './helpers.js';

const TARGET = { x64: 'linux-x64', arm64: 'linux-arm64' }[process.arch as string];
const FRAME = 'models/signs/samples/frame_040.jpg';

let dir: string;
let bundle: string;
let built: Run;
let prefix: string;
let app: string;
let installRun: Run;
/** No way to the npm registry: offline, a registry nothing listens on, and an empty cache. */
let offline: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-bundle-'));
  if (TARGET === undefined) return;
  offline = {
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: join(dir, 'empty-npm-cache'),
    HOME: join(dir, 'home'),
  };
  await mkdir(offline.HOME!);
  built = await run(process.execPath, [
    '--import',
    'tsx',
    'scripts/bundle.ts',
    '--target',
    TARGET,
    '--out',
    dir,
  ]);
  bundle = join(
    dir,
    `edgecam-${JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version}-${TARGET}.tar.gz`,
  );
  prefix = join(dir, 'root');
  await mkdir(prefix);
  app = join(prefix, 'opt/edgecam');
  installRun = await run(
    'bash',
    [INSTALL, '--bundle', bundle, '--prefix', prefix, '--board', 'generic', '--no-start'],
    offline,
  );
}, 900_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function inApp(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, args, { ...offline, ...env }, app);
}

/** A tar.gz with `files` under one top folder, as a bundle is laid out. */
async function tarball(name: string, files: Record<string, string>): Promise<string> {
  const top = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(top, path, '..'), { recursive: true });
    await writeFile(join(top, path), text);
  }
  const file = join(dir, `${name}.tar.gz`);
  const r = await run('tar', ['-czf', file, '-C', dir, name]);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

describe.skipIf(TARGET === undefined)(`a ${TARGET} bundle`, { timeout: 300_000 }, () => {
  it('is built, and the bundle command prints its sizes next to the install without one', () => {
    expect(built.code, built.stderr).toBe(0);
    expect(existsSync(bundle)).toBe(true);
    expect(built.stdout).toMatch(
      /\d+\.\d MiB to copy, \d+\.\d MiB installed \(installed without a bundle: 727 MiB; goal: under 200 MiB\)/,
    );
  });

  it('installs with deploy/install.sh --bundle and no npm registry', async () => {
    expect(installRun.code, installRun.stdout + installRun.stderr).toBe(0);
    expect(installRun.stdout).toContain(`staging ${bundle.split('/').at(-1)} in ${app}.new`);
    expect(installRun.stdout).not.toContain('npm ci');
    expect(existsSync(`${app}.new`)).toBe(false);
    expect(await readFile(join(prefix, 'etc/edgecam/config.yaml'), 'utf8')).toMatch(/token: "[0-9a-f]{32}"/);
    expect(existsSync(join(prefix, 'etc/systemd/system/edgecam.service'))).toBe(true);
  });

  it("holds this CPU's binaries only, and none of what it leaves out", () => {
    const cpu = process.arch;
    expect(readdirSync(join(app, 'node_modules/onnxruntime-node/bin/napi-v6'))).toEqual(['linux']);
    expect(readdirSync(join(app, 'node_modules/onnxruntime-node/bin/napi-v6/linux'))).toEqual([cpu]);
    expect(readdirSync(join(app, 'node_modules/classic-level/prebuilds'))).toEqual([`linux-${cpu}`]);
    for (const gone of [
      '@tensorflow',
      '@ffmpeg-installer',
      'onnxruntime-web',
      '@types',
      '.package-lock.json',
    ]) {
      expect({ gone, there: existsSync(join(app, 'node_modules', gone)) }).toEqual({ gone, there: false });
    }
    expect(existsSync(join(app, 'package-lock.json'))).toBe(false);
    expect(existsSync(join(app, 'models/signs/train'))).toBe(false);
    expect(existsSync(join(app, FRAME))).toBe(true);
    expect(existsSync(join(app, 'dist/cli.js.map'))).toBe(false);
  });

  it('runs --help from the installed tree', async () => {
    const r = await inApp(['dist/cli.js', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: edgecam/);
  });

  it('runs the sign model from the installed tree and finds what the checkout finds', async () => {
    const r = await inApp(['dist/cli.js', 'model', 'run', 'models/signs', FRAME]);
    expect(r.code, r.stderr).toBe(0);
    const fromBundle = JSON.parse(r.stdout) as { runtime: string; detections: { label: string }[] };
    const checkout = await runCli(['model', 'run', join(ROOT, 'models/signs'), join(ROOT, FRAME)]);
    const fromCheckout = JSON.parse(checkout.stdout) as typeof fromBundle;
    expect(fromBundle.runtime).toMatch(/^onnxruntime-node /);
    expect(fromBundle.detections.length).toBeGreaterThan(0);
    expect(fromBundle.detections.map((d) => d.label)).toEqual(fromCheckout.detections.map((d) => d.label));
  });

  it('runs the daemon from the installed tree with the config the installer wrote', async ({ skip }) => {
    const missing = missingTool('ffmpeg');
    if (missing !== undefined) skip(missing);
    const child = spawn(
      process.execPath,
      ['dist/cli.js', '--config', join(prefix, 'etc/edgecam/config.yaml'), 'run'],
      {
        cwd: app,
        // Free ports instead of the demo's 8080 and 1883, and a state folder of its own.
        env: {
          ...process.env,
          ...offline,
          EDGECAM_HTTP__PORT: '0',
          EDGECAM_MQTT__BROKER__PORT: '0',
          EDGECAM_STATEDIR: join(dir, 'state'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"msg":"camera \\"demo\\" online"')) resolve();
      });
      void exited.then(() =>
        reject(new Error(`edgecam exited before its camera came online:\n${out}${err}`)),
      );
    });
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(out).toContain('"msg":"model signs loaded (');
    expect({ code, err }).toEqual({ code: 0, err: '' });
  });

  it("builds unix-dgram (systemd's notifications) on the board, offline", async ({ skip }) => {
    const missing = ['make', 'g++', 'python3'].map((tool) => missingTool(tool)).find((m) => m !== undefined);
    if (missing !== undefined) skip(missing);
    expect(installRun.stdout).toContain('building unix-dgram for Node');
    const r = await inApp(['-e', "require('unix-dgram'); console.log('loaded')"]);
    expect(r.stdout.trim(), r.stderr).toBe('loaded');
  });

  it("says when Node's headers are missing, so unix-dgram cannot be built", async () => {
    // A Node installed without its headers: a wrapper in a folder with no include/node beside it.
    const nodeDir = join(dir, 'headerless');
    await mkdir(join(nodeDir, 'bin'), { recursive: true });
    const node = join(nodeDir, 'bin/node');
    await writeFile(node, `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
    const target = await freshPrefix('headerless');
    const r = await run('bash', [INSTALL, '--bundle', bundle, '--prefix', target, '--no-start'], {
      ...offline,
      NODE: node,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `warning: Node's headers are not in ${nodeDir}/include/node, so unix-dgram cannot be built ` +
        "(NodeSource's nodejs package has them); edgecam runs without systemd notifications",
    );
  });

  it('says how to add TensorFlow.js when a tfjs model needs it', async () => {
    const pkg = join(dir, 'teachable');
    await mkdir(join(pkg, 'tfjs'), { recursive: true });
    await writeFile(join(pkg, 'tfjs/model.json'), '{}');
    await writeFile(join(pkg, 'labels.txt'), 'cat\ndog\n');
    await writeFile(
      join(pkg, 'model.json'),
      JSON.stringify({
        name: 'teachable',
        task: 'classify',
        backend: 'tfjs',
        model: 'tfjs/model.json',
        labels: 'labels.txt',
        input: { name: 'x', width: 12, height: 12, layout: 'NHWC', colorOrder: 'RGB', dtype: 'float32' },
        output: { decoder: 'classification' },
      }),
    );
    const r = await inApp(['dist/cli.js', 'model', 'run', pkg, FRAME]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TensorFlow.js is not installed');
    expect(r.stderr).toContain(
      `\`cd ${app} && npm install @tensorflow/tfjs@4.22 @tensorflow/tfjs-backend-wasm@4.22\``,
    );
    expect(r.stderr).toMatch(/\[EDGECAM_ERR_TFJS_MISSING\]\n$/);
  });

  it('--dry-run --bundle prints the plan and changes nothing', async () => {
    const r = await run('bash', [INSTALL, '--bundle', bundle, '--dry-run', '--board', 'pi'], offline);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`would run: tar -xzf ${bundle} -C /opt/edgecam.new --strip-components=1`);
    expect(r.stdout).toContain('rebuild unix-dgram --offline');
    expect(r.stdout).not.toContain(' ci --omit=dev');
    expect(existsSync('/opt/edgecam.new')).toBe(false);
  });
});

describe('deploy/install.sh --bundle refuses', { timeout: 300_000 }, () => {
  it('a bundle built for another CPU, naming the one to build', async () => {
    const other = process.arch === 'x64' ? 'arm64' : 'x64';
    const file = await tarball(`edgecam-0.1.0-linux-${other}`, {
      'bundle.json': JSON.stringify({ name: 'edgecam', target: `linux-${other}`, os: 'linux', cpu: other }),
      'dist/cli.js': '',
    });
    const target = await freshPrefix('other-cpu');
    const r = await run('bash', [INSTALL, '--bundle', file, '--prefix', target]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`it is built for linux-${other}, and this machine is linux/${process.arch}`);
    expect(r.stderr).toContain(`npm run bundle -- --target ${TARGET ?? ''}`);
    expect(existsSync(join(target, 'opt/edgecam.new'))).toBe(false);
  });

  it('a tarball that is not a bundle', async () => {
    const file = await tarball('not-a-bundle', { 'notes.txt': 'hello' });
    const r = await run('bash', [INSTALL, '--bundle', file, '--prefix', await freshPrefix('not-a-bundle')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not an edgecam bundle (no bundle.json or dist/cli.js in it)');
  });

  it('a file that is not a tarball, and one that does not exist', async () => {
    const file = join(dir, 'broken.tar.gz');
    await writeFile(file, 'not gzip');
    const broken = await run('bash', [INSTALL, '--bundle', file, '--prefix', await freshPrefix('broken')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`${file} cannot be unpacked`);
    const none = await run('bash', [INSTALL, '--bundle', join(dir, 'none.tar.gz'), '--dry-run']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('none.tar.gz: no such file');
  });
});

async function freshPrefix(name: string): Promise<string> {
  const path = join(dir, `prefix-${name}`);
  await mkdir(path);
  return path;
}

describe('npm run bundle refuses', () => {
  it('a target it has no build for, naming those it has', async () => {
    const r = await run(process.execPath, [
      '--import',
      'tsx',
      'scripts/bundle.ts',
      '--target',
      'linux-riscv64',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'bundle: --target linux-riscv64: use one of linux-x64, linux-arm64, linux-armv7',
    );
  });

  it('no target', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bundle: --target is missing');
    expect(r.stderr).toContain(
      'usage: npm run bundle -- --target linux-x64|linux-arm64|linux-armv7 [--out DIR]',
    );
  });
});
