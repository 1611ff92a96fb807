import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedSettings } from '../../../bench/shipped-settings.js';
import { missingTool } from '../system-tools.js';
import { JETSON_DROPIN, run, UNIT } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-systemd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The unit as install.sh writes it, in a folder of its own: verify checks that ExecStart's
 * program exists, and install.sh puts the node it found there (here: the one running the tests).
 */
async function installedUnit(name: string, edit: (text: string) => string = (t) => t): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  const text = (await readFile(UNIT, 'utf8')).replace(
    /^ExecStart=\/usr\/bin\/node /m,
    `ExecStart=${process.execPath} `,
  );
  const path = join(folder, 'edgecam.service');
  await writeFile(path, edit(text));
  return path;
}

/** systemd-analyze's complaints about our files (it may also mention the system's own units). */
function complaints(output: string): string[] {
  return output.split('\n').filter((line) => /edgecam\.service|jetson\.conf/.test(line));
}

function settings(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match === null) continue;
    map.set(match[1]!, [...(map.get(match[1]!) ?? []), match[2]!]);
  }
  return map;
}

const noAnalyze = missingTool('systemd-analyze', 'systemd');

describe('systemd/edgecam.service', () => {
  it('passes systemd-analyze verify without a warning', async ({ skip }) => {
    if (noAnalyze !== undefined) skip(noAnalyze);
    const unit = await installedUnit('plain');
    const r = await run('systemd-analyze', ['verify', unit]);
    expect(r.code, r.stderr).toBe(0);
    expect(complaints(r.stdout + r.stderr)).toEqual([]);
  });

  it('passes with the Jetson drop-in too', async ({ skip }) => {
    if (noAnalyze !== undefined) skip(noAnalyze);
    const unit = await installedUnit('jetson');
    await mkdir(`${unit}.d`);
    await cp(JETSON_DROPIN, join(`${unit}.d`, 'jetson.conf'));
    const r = await run('systemd-analyze', ['verify', unit]);
    expect(r.code, r.stderr).toBe(0);
    expect(complaints(r.stdout + r.stderr)).toEqual([]);
  });

  it('fails verify when a setting is misspelt or the program is missing (so the checks above can fail)', async ({
    skip,
  }) => {
    if (noAnalyze !== undefined) skip(noAnalyze);
    const misspelt = await installedUnit('misspelt', (t) => t.replace('RestartSec=', 'RestartSecs='));
    expect(complaints((await run('systemd-analyze', ['verify', misspelt])).stderr)).toEqual([
      expect.stringContaining("Unknown key 'RestartSecs'"),
    ]);
    const missing = await installedUnit('missing', (t) => t.replace(process.execPath, '/nonexistent/node'));
    expect((await run('systemd-analyze', ['verify', missing])).code).not.toBe(0);
  });

  it('runs the daemon with the memory settings npm start gives it (README, Memory), no more and no fewer', async () => {
    const unit = settings(await readFile(UNIT, 'utf8'));
    const shipped = shippedSettings('.');
    const environment = unit.get('Environment') ?? [];
    for (const [key, value] of Object.entries(shipped.env)) expect(environment).toContain(`${key}=${value}`);
    // node's flags: those before the script on ExecStart, and NODE_OPTIONS (where V8 allows them).
    const execStart = unit.get('ExecStart')![0]!.split(' ');
    const onCommandLine = execStart.slice(
      1,
      execStart.findIndex((w) => w.endsWith('dist/cli.js')),
    );
    const inOptions = environment
      .filter((e) => e.startsWith('NODE_OPTIONS='))
      .flatMap((e) => e.slice('NODE_OPTIONS='.length).split(' '));
    expect([...onCommandLine, ...inOptions].sort()).toEqual([...shipped.nodeArgs].sort());
  });

  it('has what a board needs: notify with watchdog, no restart loop on a bad config, its own user, hardening', async () => {
    const unit = settings(await readFile(UNIT, 'utf8'));
    expect(unit.get('Type')).toEqual(['notify']);
    expect(Number(unit.get('WatchdogSec')?.[0])).toBeGreaterThan(0);
    expect(unit.get('Restart')).toEqual(['on-failure']);
    expect(unit.get('RestartPreventExitStatus')).toEqual(['78']);
    expect(unit.get('User')).toEqual(['edgecam']);
    expect(unit.get('SupplementaryGroups')?.[0]?.split(' ')).toEqual(['video', 'render']);
    expect(unit.get('StateDirectory')).toEqual(['edgecam']);
    expect(unit.get('ConfigurationDirectory')).toEqual(['edgecam']);
    expect(unit.get('Environment')).toContain('EDGECAM_STATEDIR=/var/lib/edgecam');
    for (const key of [
      'NoNewPrivileges',
      'ProtectHome',
      'PrivateTmp',
      'ProtectKernelTunables',
      'ProtectControlGroups',
    ]) {
      expect(unit.get(key), key).toEqual(['yes']);
    }
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    expect(unit.get('RestrictAddressFamilies')).toEqual(['AF_UNIX AF_INET AF_INET6 AF_NETLINK']);
    expect(unit.get('DevicePolicy')).toEqual(['closed']);
    expect(unit.get('DeviceAllow')).toContain('char-video4linux rw');
    expect(unit.get('MemoryMax')).toEqual(['768M']);
    expect(settings(await readFile(JETSON_DROPIN, 'utf8')).get('DeviceAllow')).toContain('/dev/nvmap rw');
  });
});
