import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTool } from '../system-tools.js';
import { INSTALL, ROOT, run } from './helpers.js';

let dir: string;
let npmStub: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-install-'));
  // A stand-in for `npm ci --omit=dev` only: the real one copies or downloads ~700 MB of runtime
  // packages (ONNX Runtime's binaries for every platform), minutes of a CI run. It records how it
  // was called and links this checkout's node_modules, which hold the same packages. Every other
  // npm command (pack, pkg) is the real npm.
  npmStub = join(dir, 'npm');
  await writeFile(
    npmStub,
    [
      '#!/bin/sh',
      'if [ "$1" = ci ]; then',
      `  echo "$PWD npm $*" >> "${join(dir, 'npm-ci.log')}"`,
      `  ln -s "${join(ROOT, 'node_modules')}" node_modules`,
      '  exit 0',
      'fi',
      'exec npm "$@"',
      '',
    ].join('\n'),
  );
  await chmod(npmStub, 0o755);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function install(args: string[]) {
  return run('bash', [INSTALL, ...args], { NPM: npmStub });
}

async function freshPrefix(name: string): Promise<string> {
  const prefix = join(dir, name);
  await mkdir(prefix);
  return prefix;
}

// Each install packs and copies the whole package; on a busy machine that outlasts the suite's
// 30 s default, so these tests have a limit only against a hang.
describe('deploy/install.sh', { timeout: 600_000 }, () => {
  it('is shellcheck-clean', async ({ skip }) => {
    const missing = missingTool('shellcheck');
    if (missing !== undefined) skip(missing);
    const r = await run('shellcheck', [INSTALL]);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('--dry-run prints the plan for the real paths and changes nothing', async () => {
    const r = await install(['--dry-run', '--board', 'pi']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dry run: nothing is changed');
    expect(r.stdout).toMatch(/would run: \(cd \/opt\/edgecam\.new && \S+ ci --omit=dev/);
    expect(r.stdout).toContain('would write: /etc/edgecam/config.yaml');
    expect(r.stdout).toContain('would run: systemctl enable edgecam.service');
    expect(r.stdout).toContain('journalctl -u edgecam -f');
    expect(existsSync('/opt/edgecam.new')).toBe(false);
    expect(existsSync(join(dir, 'npm-ci.log'))).toBe(false);
  });

  it('--prefix installs, writes a config with a fresh token once, and runs again as an update', async () => {
    const prefix = await freshPrefix('update');
    const example = join(ROOT, 'config/examples/pi-usb-webcam.yaml');
    const first = await install(['--prefix', prefix, '--board', 'jetson', '--config', example]);
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const app = join(prefix, 'opt/edgecam');
    expect(existsSync(join(app, 'dist/cli.js'))).toBe(true);
    expect(existsSync(join(app, 'models/signs/labels.txt'))).toBe(true);
    expect(existsSync(join(app, 'package-lock.json'))).toBe(true);
    expect(existsSync(`${app}.new`)).toBe(false);
    // dist/ is shipped built: npm ci must not run `prepare` (tsc is a dev dependency).
    const pkg = JSON.parse(await readFile(join(app, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(await readFile(join(dir, 'npm-ci.log'), 'utf8')).toContain(`${app}.new npm ci --omit=dev`);

    const configPath = join(prefix, 'etc/edgecam/config.yaml');
    const config = await readFile(configPath, 'utf8');
    expect(config).toContain('id: driveway');
    const token = /token: "([0-9a-f]{32})"/.exec(config)?.[1];
    expect(token).toBeDefined();
    expect((await stat(configPath)).mode & 0o777).toBe(0o640);
    expect(first.stdout).toContain(`:8080/#token=${token}`);
    expect(first.stdout).toContain("mosquitto_sub -h homeassistant.local -p 1883 -t 'edgecam/#' -v");
    expect(first.stdout).toContain('journalctl -u edgecam -f');
    expect(first.stdout).toContain('skipped (--prefix): systemctl enable edgecam.service');

    const unit = await readFile(join(prefix, 'etc/systemd/system/edgecam.service'), 'utf8');
    expect(unit).toMatch(
      /^ExecStart=\/\S*node --optimize-for-size \/opt\/edgecam\/dist\/cli\.js --config \/etc\/edgecam\/config\.yaml run$/m,
    );
    const dropin = join(prefix, 'etc/systemd/system/edgecam.service.d/jetson.conf');
    expect(existsSync(dropin)).toBe(true);

    // Again, as an update on another board: the config (and its token) stays, the drop-in goes.
    const second = await install(['--prefix', prefix, '--board', 'generic', '--no-start']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain(`keeping ${configPath}`);
    expect(await readFile(configPath, 'utf8')).toBe(config);
    expect(existsSync(dropin)).toBe(false);
    expect(existsSync(join(app, 'dist/cli.js'))).toBe(true);

    const removed = await install(['--prefix', prefix, '--uninstall']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(app)).toBe(false);
    expect(existsSync(join(prefix, 'etc/systemd/system/edgecam.service'))).toBe(false);
    expect(await readFile(configPath, 'utf8')).toBe(config);
  });

  it('stops with exit 78 before installing anything when the config has problems', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'http:\n  port: 70000\n');
    const prefix = await freshPrefix('bad');
    const r = await install(['--prefix', prefix, '--config', bad]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('http.port');
    expect(r.stderr).toContain('the installed edgecam is unchanged');
    expect(existsSync(join(prefix, 'opt/edgecam'))).toBe(false);
    expect(existsSync(join(prefix, 'opt/edgecam.new'))).toBe(false);
  });

  it('says how to get Node when the one it finds is too old', async () => {
    // A stand-in for an old Node (only one Node is installed here): it answers any script with 18.19.0.
    const fake = join(dir, 'old-node');
    await writeFile(fake, '#!/bin/sh\necho 18.19.0\n');
    await chmod(fake, 0o755);
    const r = await run('bash', [INSTALL, '--dry-run'], { NODE: fake });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('found Node 18.19.0');
    expect(r.stderr).toContain('deb.nodesource.com/setup_20.x');
  });
});
