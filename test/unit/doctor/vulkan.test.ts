import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVulkan, loaderFromCache } from '../../../src/doctor/vulkan.js';
import { script, tempDir, writeTree } from './helpers.js';

const auto = { accelerator: 'auto', required: false } as const;

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

  it('is ok with the loader and a GPU driver (a Pi 5: broadcom)', async () => {
    const { lib, icd } = await vulkanTree(true, ['broadcom_icd.aarch64.json']);
    const r = await checkVulkan({ libDirs: [lib], icdDirs: [icd], ldconfig: '', inference: auto });
    expect(r).toEqual({
      name: 'webgpu',
      status: 'ok',
      found: `Vulkan loader ${lib}/libvulkan.so.1, drivers: broadcom`,
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
    const r = await checkVulkan({ libDirs: [], icdDirs: [icd], ldconfig, inference: auto });
    expect(r.found).toBe('Vulkan loader /usr/lib/x86_64-linux-gnu/libvulkan.so.1, drivers: intel');
  });

  it('warns without the loader, and fails when webgpu is the required accelerator', async () => {
    const { lib, icd } = await vulkanTree(false, []);
    const facts = { libDirs: [lib], icdDirs: [icd], ldconfig: '/nonexistent/ldconfig' };
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
    const r = await checkVulkan({ libDirs: [lib], icdDirs: [icd], ldconfig: '', inference: auto });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/but no Vulkan driver/);
    expect(r.fix).toMatch(/mesa-vulkan-drivers/);
  });

  it('warns when the only driver is lavapipe, which runs on the CPU', async () => {
    const { lib, icd } = await vulkanTree(true, ['lvp_icd.x86_64.json']);
    const r = await checkVulkan({ libDirs: [lib], icdDirs: [icd], ldconfig: '', inference: auto });
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/only lavapipe/);
  });
});
