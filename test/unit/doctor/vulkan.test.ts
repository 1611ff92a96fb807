import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkVulkan, loaderFromCache } from '../../../src/doctor/vulkan.js';
import { script, tempDir, writeTree } from './helpers.js';

const auto = { accelerator: 'auto', required: false } as const;
/** No vulkaninfo on the (empty) PATH: the verdict comes from the driver manifests alone. */
const noVulkaninfo = { vulkaninfo: 'vulkaninfo', path: '' } as const;
const SUMMARIES = fileURLToPath(new URL('../../fixtures/vulkaninfo/', import.meta.url));

/** A PATH holding a vulkaninfo that prints test/fixtures/vulkaninfo/NAME.txt. */
async function vulkaninfoPrinting(name: string): Promise<{ vulkaninfo: string; path: string }> {
  const bin = await tempDir();
  await script(bin, 'vulkaninfo', `cat '${SUMMARIES}${name}.txt'`);
  return { vulkaninfo: 'vulkaninfo', path: bin };
}

/** A fixture file system: lib/ with or without the loader, icd.d/ with the given driver manifests. */
async function vulkanTree(loader: boolean, drivers: string[]): Promise<{ lib: string; icd: string }> {
  const root = await tempDir();
  const files: Record<string, string> = { 'lib/libc.so.6': '', 'icd.d/.keep': '' };
  if (loader) files['lib/libvulkan.so.1'] = '';
  for (const d of drivers) files[`icd.d/${d}`] = '{"ICD": {}}';
  await writeTree(root, files);
  return { lib: join(root, 'lib'), icd: join(root, 'icd.d') };
}

describe('doctor: webgpu (the Vulkan loader and drivers)', () => {
  it('reads the loader from ldconfig -p', () => {
    const listing = [
      '1404 libs found in cache `/etc/ld.so.cache',
      '\tlibvulkan.so.1 (libc6,AArch64) => /lib/aarch64-linux-gnu/libvulkan.so.1',
      '\tlibvulkan.so (libc6,AArch64) => /lib/aarch64-linux-gnu/libvulkan.so',
    ].join('\n');
    expect(loaderFromCache(listing)).toBe('/lib/aarch64-linux-gnu/libvulkan.so.1');
    expect(loaderFromCache('\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6')).toBeUndefined();
  });

  it("is ok with the loader and a GPU as the adapter (a Pi 5's V3D, beside lavapipe)", async () => {
    const { lib, icd } = await vulkanTree(true, ['broadcom_icd.aarch64.json', 'lvp_icd.aarch64.json']);
    const r = await checkVulkan({
      libDirs: [lib],
      icdDirs: [icd],
      ldconfig: '',
      ...(await vulkaninfoPrinting('pi5')),
      inference: auto,
    });
    expect(r).toEqual({
      name: 'webgpu',
      status: 'ok',
      found:
        `Vulkan loader ${lib}/libvulkan.so.1, drivers: broadcom, lvp; adapter V3D 7.1.7.0 (Broadcom integrated GPU, ` +
        'driver V3DV Mesa Mesa 23.2.1-1~bpo12+rpt3): a GPU, which inference.accelerator: auto uses',
    });
  });

  it('warns when the adapter is a software rasterizer, even among GPU driver manifests (Mesa installs them all)', async () => {
    const { lib, icd } = await vulkanTree(true, [
      'intel_icd.x86_64.json',
      'lvp_icd.x86_64.json',
      'radeon_icd.x86_64.json',
    ]);
    const r = await checkVulkan({
      libDirs: [lib],
      icdDirs: [icd],
      ldconfig: '',
      ...(await vulkaninfoPrinting('lavapipe')),
      inference: auto,
    });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(
      /drivers: intel, lvp, radeon; adapter llvmpipe \(LLVM 15\.0\.6, 256 bits\) \(Mesa software rasterizer on the CPU, .*\): no GPU, so auto keeps models on the CPU/,
    );
    expect(r.fix).toMatch(/install its Vulkan driver/);
  });

  it('says why when vulkaninfo finds no usable driver, and fails when webgpu is required', async () => {
    const { lib, icd } = await vulkanTree(true, ['intel_icd.x86_64.json']);
    const bin = await tempDir();
    await script(
      bin,
      'vulkaninfo',
      "echo 'vkCreateInstance failed with ERROR_INCOMPATIBLE_DRIVER' >&2; exit 1",
    );
    const facts = { libDirs: [lib], icdDirs: [icd], ldconfig: '', vulkaninfo: 'vulkaninfo', path: bin };
    const r = await checkVulkan({ ...facts, inference: auto });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(
      /drivers: intel; but vulkaninfo --summary failed \(vkCreateInstance failed with ERROR_INCOMPATIBLE_DRIVER\)/,
    );
    expect(r.fix).toMatch(/mesa-vulkan-drivers/);
    const required = await checkVulkan({ ...facts, inference: { accelerator: 'webgpu', required: true } });
    expect(required.status).toBe('fail');
  });

  it('warns without vulkaninfo, since auto then cannot tell a GPU from a software rasterizer', async () => {
    const { lib, icd } = await vulkanTree(true, ['broadcom_icd.aarch64.json']);
    const r = await checkVulkan({
      libDirs: [lib],
      icdDirs: [icd],
      ldconfig: '',
      ...noVulkaninfo,
      inference: auto,
    });
    expect(r).toEqual({
      name: 'webgpu',
      status: 'warn',
      found: `Vulkan loader ${lib}/libvulkan.so.1, drivers: broadcom; no vulkaninfo to name the adapter, so inference.accelerator: auto keeps models on the CPU`,
      fix: 'sudo apt install vulkan-tools: edgecam reads the adapter from vulkaninfo, and auto takes WebGPU only on a GPU',
    });
  });

  it('finds the loader through ldconfig before the folders', async () => {
    const { icd } = await vulkanTree(false, ['intel_icd.x86_64.json']);
    const bin = await tempDir();
    const ldconfig = await script(
      bin,
      'ldconfig',
      "printf '\\tlibvulkan.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libvulkan.so.1\\n'",
    );
    const r = await checkVulkan({ libDirs: [], icdDirs: [icd], ldconfig, ...noVulkaninfo, inference: auto });
    expect(r.found).toMatch(
      /^Vulkan loader \/usr\/lib\/x86_64-linux-gnu\/libvulkan\.so\.1, drivers: intel; /,
    );
  });

  it('warns without the loader, and fails when webgpu is the required accelerator', async () => {
    const { lib, icd } = await vulkanTree(false, []);
    const facts = { libDirs: [lib], icdDirs: [icd], ldconfig: '/nonexistent/ldconfig', ...noVulkaninfo };
    const r = await checkVulkan({ ...facts, inference: auto });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(
      /no Vulkan loader \(libvulkan\.so\.1\).*needed only for inference\.accelerator: webgpu/,
    );
    expect(r.fix).toBe('sudo apt install libvulkan1 mesa-vulkan-drivers');
    const named = await checkVulkan({ ...facts, inference: { accelerator: 'webgpu', required: false } });
    expect(named.status).toBe('warn');
    expect(named.found).toMatch(/inference\.accelerator is webgpu/);
    const required = await checkVulkan({ ...facts, inference: { accelerator: 'webgpu', required: true } });
    expect(required.status).toBe('fail');
  });

  it('warns with the loader but no driver', async () => {
    const { lib, icd } = await vulkanTree(true, []);
    const r = await checkVulkan({
      libDirs: [lib],
      icdDirs: [icd],
      ldconfig: '',
      ...noVulkaninfo,
      inference: auto,
    });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/but no Vulkan driver/);
    expect(r.fix).toMatch(/mesa-vulkan-drivers/);
  });

  it('warns when the only driver is lavapipe, which runs on the CPU, even without vulkaninfo', async () => {
    const { lib, icd } = await vulkanTree(true, ['lvp_icd.x86_64.json']);
    const r = await checkVulkan({
      libDirs: [lib],
      icdDirs: [icd],
      ldconfig: '',
      ...noVulkaninfo,
      inference: auto,
    });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/only lavapipe/);
  });
});
