import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { checkArch, checkNode, MIN_NODE } from '../../../src/doctor/platform.js';
import { board } from './helpers.js';

const facts = { nodeVersion: '20.18.0', execPath: '/usr/bin/node' };

describe('doctor: arch', () => {
  it('names the board from the device tree on a 64-bit Pi', async () => {
    const r = await checkArch({
      ...facts,
      arch: 'arm64',
      machine: 'aarch64',
      procRoot: `${board('pi5')}/proc`,
    });
    expect(r).toEqual({
      name: 'arch',
      status: 'ok',
      found: 'arm64 (Raspberry Pi 5 Model B Rev 1.0, kernel aarch64)',
    });
  });

  it('shows the architecture alone where there is no device tree (a PC)', async () => {
    const r = await checkArch({
      ...facts,
      arch: 'x64',
      machine: 'x86_64',
      procRoot: `${board('x86-vnni')}/proc`,
    });
    expect(r).toEqual({ name: 'arch', status: 'ok', found: 'x64 (kernel x86_64)' });
  });

  it('warns on 32-bit ARM under a 64-bit kernel, and says a 64-bit OS runs ONNX models', async () => {
    const r = await checkArch({
      ...facts,
      arch: 'arm',
      machine: 'aarch64',
      procRoot: `${board('pi4')}/proc`,
    });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/32-bit ARM user space on a 64-bit kernel.*no build/);
    expect(r.fix).toMatch(/64-bit OS/);
    expect(r.fix).toMatch(/TensorFlow\.js/);
  });

  it('warns on a 32-bit ARM kernel, pointing at TensorFlow.js models', async () => {
    const r = await checkArch({
      ...facts,
      arch: 'arm',
      machine: 'armv7l',
      procRoot: `${board('pi4-32bit')}/proc`,
    });
    expect(r.status).toBe('warn');
    expect(r.found).not.toMatch(/64-bit kernel/);
    expect(r.fix).toMatch(/backend: tfjs/);
  });

  it('warns on an architecture onnxruntime-node has no build for', async () => {
    const r = await checkArch({ ...facts, arch: 'riscv64', machine: 'riscv64', procRoot: '/nonexistent' });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/x64 and arm64 only/);
  });
});

describe('doctor: node', () => {
  it.each([
    ['18.19.0', 'fail'],
    ['20.8.1', 'fail'],
    ['20.9.0', 'ok'],
    ['22.11.0', 'ok'],
  ])('Node %s is %s', (nodeVersion, status) => {
    const r = checkNode({ nodeVersion, execPath: '/usr/bin/node' });
    expect(r.status).toBe(status);
    if (status === 'fail') {
      expect(r.found).toContain(`${MIN_NODE.major}.${MIN_NODE.minor} or newer`);
      expect(r.fix).toMatch(/nodesource/);
    }
  });

  it("warns about a Node in a home folder, which the service's ProtectHome hides", () => {
    const r = checkNode({
      nodeVersion: '20.18.0',
      execPath: '/home/pi/.nvm/versions/node/v20.18.0/bin/node',
    });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/ProtectHome/);
  });

  it("asks for what package.json's engines field asks for", async () => {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE.major}.${MIN_NODE.minor}`);
  });
});
