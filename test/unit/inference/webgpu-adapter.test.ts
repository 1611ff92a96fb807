import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  autoSkipsWebGpu,
  describeAdapter,
  parseVulkanSummary,
  probeWebGpuAdapter,
  webGpuChoice,
} from '../../../src/inference/webgpu-adapter.js';
import { script, tempDir } from '../doctor/helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/vulkaninfo/', import.meta.url));
const summary = (name: string) => readFile(`${FIXTURES}${name}.txt`, 'utf8');

describe('the WebGPU adapter, from vulkaninfo --summary', () => {
  it('reads lavapipe as a software rasterizer (the real output of Mesa 25 without a GPU)', async () => {
    expect(parseVulkanSummary(await summary('lavapipe'))).toEqual([
      {
        device: 'llvmpipe (LLVM 15.0.6, 256 bits)',
        vendor: 'Mesa',
        type: 'cpu',
        driver: 'llvmpipe Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)',
        software: true,
      },
    ]);
  });

  it("takes a Pi 5's V3D over the lavapipe beside it", async () => {
    const devices = parseVulkanSummary(await summary('pi5'));
    expect(devices.map((d) => [d.device, d.type, d.software])).toEqual([
      ['V3D 7.1.7.0', 'integrated-gpu', false],
      ['llvmpipe (LLVM 15.0.6, 128 bits)', 'cpu', true],
    ]);
    const chosen = webGpuChoice(devices)!;
    expect(describeAdapter(chosen)).toBe(
      'V3D 7.1.7.0 (Broadcom integrated GPU, driver V3DV Mesa Mesa 23.2.1-1~bpo12+rpt3)',
    );
    expect(autoSkipsWebGpu({ adapter: chosen })).toBeUndefined();
  });

  it("reads a Jetson Orin's GPU as NVIDIA's integrated GPU", async () => {
    const chosen = webGpuChoice(parseVulkanSummary(await summary('jetson-orin')))!;
    expect(chosen).toMatchObject({ vendor: 'NVIDIA', type: 'integrated-gpu', software: false });
  });

  it("takes a PC's discrete GPU before its integrated one, as Dawn does for high performance", async () => {
    const devices = parseVulkanSummary(await summary('pc-intel-nvidia'));
    expect(devices.map((d) => d.vendor)).toEqual(['Intel', 'NVIDIA', 'Mesa']);
    expect(webGpuChoice(devices)?.device).toBe('NVIDIA GeForce RTX 3060');
    // Without the card, the iGPU; with only lavapipe, lavapipe; with nothing, none.
    expect(webGpuChoice([devices[2]!, devices[0]!])?.vendor).toBe('Intel');
    expect(webGpuChoice([devices[2]!])?.software).toBe(true);
    expect(webGpuChoice([])).toBeUndefined();
  });

  it('counts SwiftShader as software whatever type it reports', () => {
    const text = [
      'GPU0:',
      '\tvendorID           = 0x1ae0',
      '\tdeviceType         = PHYSICAL_DEVICE_TYPE_OTHER',
      '\tdeviceName         = SwiftShader Device (Subzero)',
      '\tdriverID           = DRIVER_ID_GOOGLE_SWIFTSHADER',
      '\tdriverName         = SwiftShader driver',
    ].join('\n');
    expect(parseVulkanSummary(text)).toEqual([
      {
        device: 'SwiftShader Device (Subzero)',
        vendor: 'Google',
        type: 'other',
        driver: 'SwiftShader driver',
        software: true,
      },
    ]);
  });

  it('auto passes over a software adapter, and over one Vulkan cannot name, saying why', async () => {
    const lavapipe = webGpuChoice(parseVulkanSummary(await summary('lavapipe')))!;
    expect(autoSkipsWebGpu({ adapter: lavapipe })).toBe(
      'its adapter is llvmpipe (LLVM 15.0.6, 256 bits) (Mesa software rasterizer on the CPU, driver llvmpipe ' +
        'Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)), which is no GPU and slower than the CPU provider',
    );
    expect(autoSkipsWebGpu({ adapter: undefined, reason: 'vulkaninfo is not installed' })).toBe(
      'vulkaninfo is not installed',
    );
  });

  it('runs the program, and says why when it is missing, fails or lists no device', async () => {
    const bin = await tempDir();
    const pi5 = await script(bin, 'vulkaninfo-pi5', `cat '${FIXTURES}pi5.txt'`);
    expect((await probeWebGpuAdapter(pi5)).adapter?.device).toBe('V3D 7.1.7.0');

    const missing = await probeWebGpuAdapter(`${bin}/vulkaninfo`);
    expect(missing.adapter).toBeUndefined();
    expect(missing.reason).toMatch(/vulkaninfo is not installed.*apt install vulkan-tools/);

    const broken = await script(
      bin,
      'vulkaninfo-no-driver',
      [
        "echo 'ERROR: [Loader Message] Code 0 : vkCreateInstance: Found no drivers!' >&2",
        "echo 'ERROR at ./vulkaninfo/vulkaninfo.h:674:vkCreateInstance failed with ERROR_INCOMPATIBLE_DRIVER' >&2",
        'exit 1',
      ].join('\n'),
    );
    expect((await probeWebGpuAdapter(broken)).reason).toMatch(
      /--summary failed \(vkCreateInstance failed with ERROR_INCOMPATIBLE_DRIVER\): Vulkan has no usable driver here$/,
    );

    const empty = await script(bin, 'vulkaninfo-empty', "printf 'Devices:\\n========\\n'");
    expect((await probeWebGpuAdapter(empty)).reason).toMatch(/lists no Vulkan device/);
  });
});
