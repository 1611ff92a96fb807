// The stderr helper that lets CLI tests pass on boards where onnxruntime-node prints a line of its
// own: it removes that line, as the runtime writes it, and nothing else.
import { describe, expect, it } from 'vitest';
import { withoutRuntimeNotice } from './cli-helpers.js';

// onnxruntime-node 1.30's stderr, byte for byte, from `edgecam model run` on an emulated arm64 whose
// /proc/cpuinfo names implementer 0x00, as qemu's default arm64 CPU does (scripts/board-smoke.sh's
// work folder, with that file changed).
const VENDOR_LINE = 'onnxruntime cpuid_info warning: Unknown CPU vendor. cpuinfo_vendor value: 0\n';

describe('withoutRuntimeNotice', () => {
  it("removes onnxruntime's unknown-vendor line, and keeps edgecam's lines around it in order", () => {
    expect(withoutRuntimeNotice(VENDOR_LINE)).toBe('');
    const warning = 'edgecam: warning: no accelerator is available; running signs on the CPU\n';
    expect(withoutRuntimeNotice(`${VENDOR_LINE}${warning}`)).toBe(warning);
    expect(withoutRuntimeNotice(`${warning}${VENDOR_LINE}${warning}`)).toBe(`${warning}${warning}`);
  });

  it('keeps any other line, even one quoting it or another warning of the runtime', () => {
    for (const stderr of [
      `edgecam: ${VENDOR_LINE}`,
      'onnxruntime cpuid_info warning: some other trouble\n',
      'onnxruntime cpuid_info warning: Unknown CPU vendor. cpuinfo_vendor value: zero\n',
    ]) {
      expect(withoutRuntimeNotice(stderr)).toBe(stderr);
    }
  });
});
