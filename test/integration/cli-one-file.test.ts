// dist/cli.js as the build writes it (scripts/bundle-cli.mjs): one file that imports nothing of
// edgecam's by path, yet finds every file its modules find beside themselves when run from dist/:
// the default config, package.json, the live page, the wasm kernels and the inference worker.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EXTERNAL_PACKAGES, moduleUrlExpression } from '../../scripts/bundle-cli.mjs';
import { CLI, cleanEnv } from './cli-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('moduleUrlExpression', () => {
  it("gives each module of src/ the URL of its compiled file, relative to dist/cli.js's own", () => {
    expect(moduleUrlExpression('/r', '/r/src/config/load.ts')).toBe(
      'new URL("./config/load.js", import.meta.url).href',
    );
    expect(moduleUrlExpression('/r', '/r/src/cli.ts')).toBe('new URL("./cli.js", import.meta.url).href');
    expect(moduleUrlExpression('/r', '/r/src/kernels/wasm/module.ts')).toBe(
      'new URL("./kernels/wasm/module.js", import.meta.url).href',
    );
  });
});

describe('dist/cli.js', () => {
  it('imports only Node built-ins and the packages left out of it, nothing by path', async () => {
    // esbuild reads the file's imports (static, dynamic and require calls), bundling nothing.
    const { metafile } = await esbuild.build({
      entryPoints: [CLI],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    expect(Object.keys(metafile.inputs)).toHaveLength(1);
    const imports = Object.values(metafile.inputs)[0]!.imports.map((i) => i.path);
    expect(imports.length).toBeGreaterThan(0);
    const left = EXTERNAL_PACKAGES.map((p) => p.replace(/\*$/, ''));
    const allowed = (s: string) =>
      s.startsWith('node:') ||
      builtinModules.includes(s) ||
      left.some((p) => s === p || s.startsWith(p.endsWith('/') ? p : `${p}/`));
    expect(imports.filter((s) => !allowed(s))).toEqual([]);
  });

  it("holds zod's English messages only, not its 40-odd locales", () => {
    // `import { z } from 'zod'` pulls every locale in (260 KB of the file, all of it in the daemon's
    // heap as source text); edgecam imports zod as a namespace, which esbuild can shake.
    const text = readFileSync(CLI, 'utf8');
    expect(text).toContain('Invalid input');
    expect(text).not.toContain('Eingabe'); // German
    expect(text).not.toContain('Entrada inv'); // Spanish
  });

  let daemon: ChildProcess | undefined;
  let state: string | undefined;
  afterEach(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon!.once('exit', r));
    }
    if (state) await rm(state, { recursive: true, force: true });
  });

  it('runs the default config from dist/: publishes detections and an edge map, serves the live page', async () => {
    state = await mkdtemp(join(tmpdir(), 'edgecam-one-file-'));
    // Where ONNX Runtime would keep its telemetry, were it on (the model's worker loads it).
    const home = join(state, 'home');
    await mkdir(home);
    // No --config: the default config is found beside config/load.js, as `edgecam run` finds it.
    daemon = spawn(process.execPath, [CLI, 'run', '--announce'], {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        HOME: home,
        EDGECAM_HTTP__PORT: '0',
        EDGECAM_MQTT__BROKER__PORT: '0',
        EDGECAM_STATEDIR: state,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    daemon.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const announced = await new Promise<{ page: string; port: number; topic: string }>((resolve, reject) => {
      daemon!.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const page = /^live view: (\S+)$/m.exec(out);
        const sub = /^watch MQTT: mosquitto_sub -h \S+ -p (\d+) -t '([^']+)'/m.exec(out);
        if (page && sub) resolve({ page: page[1]!, port: Number(sub[1]), topic: sub[2]! });
      });
      daemon!.once('exit', (code) => reject(new Error(`the daemon exited ${code}:\n${out}\n${err}`)));
    });

    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${announced.port}`);
    try {
      let edges: Buffer | undefined;
      let detected = false;
      await new Promise<void>((resolve) => {
        client.on('message', (topic, payload) => {
          if (topic.endsWith('/edges')) edges = payload;
          if (topic.endsWith('/detections'))
            detected ||= (JSON.parse(payload.toString()) as { detections: unknown[] }).detections.length > 0;
          if (edges && detected) resolve();
        });
        void client.subscribeAsync(announced.topic);
      });
      // A PNG, the default format: the edge chain ran on the wasm kernels found beside kernels/wasm/module.js.
      expect(edges!.subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await client.endAsync();
    }
    const page = await fetch(announced.page);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    // Logged once the cameras and the model have started, by now long since.
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    const running = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; version?: string })
      .find((l) => l.msg === 'edgecam running');
    expect(running?.version).toBe(version);
    expect(await readdir(home)).toEqual([]);
  }, 60_000);
});
