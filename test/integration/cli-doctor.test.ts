import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// `edgecam doctor` on this very machine: what it finds differs from machine to machine, so these
// tests hold the report's shape and its agreement with the exit code, not the values.

const NAMES = ['config', 'arch', 'node', 'cpu', 'memory', 'disk', 'temperature', 'throttling', 'onnxruntime'];
const TAIL = ['cameras', 'ffmpeg', 'mqtt', 'http'];

interface Report {
  config: string;
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
  checks: { name: string; status: string; found: string; fix?: string }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-doctor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('edgecam doctor', () => {
  it('prints one line per check with a fix under each warning and failure, and exits 1 only on a failure', async () => {
    const r = await runCli(['doctor']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^edgecam doctor, with .*config\/default\.yaml:$/);
    const summary = /^(\d+) ok, (\d+) warnings?, (\d+) failed/.exec(lines.at(-1) ?? '');
    expect(summary, r.stdout + r.stderr).not.toBeNull();
    const body = lines.slice(1, -1);
    const checks = body.filter((l) => /^(ok|warn|fail) /.test(l));
    for (const [i, line] of body.entries()) {
      expect(line, r.stdout).toMatch(/^(ok {4}|warn {2}|fail {2})\S+ +\S|^ {19}fix: \S/);
      // A fix line follows exactly the warnings and failures.
      const next = body[i + 1] ?? '';
      if (/^(warn|fail) /.test(line)) expect(next, line).toMatch(/^ +fix: /);
      if (/^ok /.test(line)) expect(next, line).not.toMatch(/^ +fix: /);
    }
    const names = checks.map((l) => l.split(/\s+/)[1]);
    expect(names.slice(0, NAMES.length)).toEqual(NAMES);
    expect(names.slice(-TAIL.length)).toEqual(TAIL);
    const failed = Number(summary?.[3]);
    expect(failed).toBe(checks.filter((l) => l.startsWith('fail ')).length);
    expect(r.code).toBe(failed === 0 ? 0 : 1);
  });

  it('prints the same checks as JSON with --json', async () => {
    const r = await runCli(['doctor', '--json']);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.config).toMatch(/config\/default\.yaml$/);
    expect(report.checks.map((c) => c.name).slice(0, NAMES.length)).toEqual(NAMES);
    for (const check of report.checks) {
      expect(['ok', 'warn', 'fail']).toContain(check.status);
      expect(check.found.length).toBeGreaterThan(0);
      expect(check.fix !== undefined).toBe(check.status !== 'ok');
    }
    const count = (s: string) => report.checks.filter((c) => c.status === s).length;
    expect(report.counts).toEqual({ ok: count('ok'), warn: count('warn'), fail: count('fail') });
    expect(report.ok).toBe(report.counts.fail === 0);
    expect(r.code).toBe(report.ok ? 0 : 1);
  });

  it('fails, exit 1, when the HTTP port of the config (--config) is taken', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const file = join(dir, 'taken.yaml');
      await writeFile(file, `http: { port: ${port} }\nmqtt: { broker: { port: 0 } }\ncameras: []\n`);
      const r = await runCli(['doctor', '--config', file, '--json']);
      expect(r.code).toBe(1);
      const http = (JSON.parse(r.stdout) as Report).checks.find((c) => c.name === 'http');
      expect(http).toMatchObject({ status: 'fail', found: `cannot listen on 127.0.0.1:${port}: EADDRINUSE` });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads --config before the command, and fails on a config with problems', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'http:\n  port: 70000\n');
    const r = await runCli(['--config', file, 'doctor']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`fail  config       ${file}: 1 problem`);
    expect(r.stdout).toContain(`fix: edgecam config check ${file}`);
  });

  it('is listed in edgecam --help', async () => {
    const r = await runCli(['--help']);
    expect(r.stdout).toMatch(/^ {2}doctor \[options\] +check this board for edgecam/m);
    expect(r.stdout).toMatch(/On a new board, run `edgecam doctor` first/);
  });
});
