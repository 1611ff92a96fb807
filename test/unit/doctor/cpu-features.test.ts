import { describe, expect, it } from 'vitest';
import { checkCpuFeatures, int8Verdict, parseCpuinfo } from '../../../src/doctor/cpu-features.js';
import { board } from './helpers.js';

describe('doctor: cpu (int8 instructions from /proc/cpuinfo)', () => {
  it('is ok on a Pi 5: Cortex-A76 with the dot product (asimddp)', async () => {
    const r = await checkCpuFeatures(`${board('pi5')}/proc`);
    expect(r).toEqual({
      name: 'cpu',
      status: 'ok',
      found: '4 cores, Cortex-A76: int8 dot product (asimddp)',
    });
  });

  it('warns on a Pi 4: Cortex-A72, NEON without asimddp', async () => {
    const r = await checkCpuFeatures(`${board('pi4')}/proc`);
    expect(r.status).toBe('warn');
    expect(r.found).toBe('4 cores, Cortex-A72: NEON (asimd) without the int8 dot product (asimddp, ARMv8.2)');
    expect(r.fix).toMatch(/Raspberry Pi 5/);
  });

  it('warns on 32-bit ARM (NEON only), naming the core rather than "ARMv7 Processor"', async () => {
    const r = await checkCpuFeatures(`${board('pi4-32bit')}/proc`);
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/^4 cores, Cortex-A72: NEON \(32-bit\) without/);
  });

  it('names i8mm beside asimddp where the core has it', () => {
    const r = int8Verdict(
      parseCpuinfo('processor\t: 0\nFeatures\t: fp asimd asimddp i8mm\nCPU part\t: 0xd4b\n'),
    );
    expect(r.found).toBe('1 core, Cortex-A78C: int8 dot product (asimddp) and int8 matrix multiply (i8mm)');
  });

  it('is ok on x86 with VNNI', async () => {
    const r = await checkCpuFeatures(`${board('x86-vnni')}/proc`);
    expect(r).toEqual({
      name: 'cpu',
      status: 'ok',
      found: '2 cores, Intel(R) Xeon(R) Platinum 8480+: int8 VNNI (avx512_vnni, avx_vnni)',
    });
  });

  it('is ok on x86 with AVX2 alone, saying there is no VNNI', async () => {
    const r = await checkCpuFeatures(`${board('x86-avx2')}/proc`);
    expect(r.status).toBe('ok');
    expect(r.found).toMatch(/AVX2 for int8 \(no VNNI\)$/);
  });

  it('warns on x86 without AVX2', async () => {
    const r = await checkCpuFeatures(`${board('x86-sse')}/proc`);
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/Celeron.*no AVX2/);
  });

  it('warns when cpuinfo has no feature line, or cannot be read', async () => {
    expect(int8Verdict(parseCpuinfo('processor\t: 0\n')).status).toBe('warn');
    const missing = await checkCpuFeatures('/nonexistent/proc');
    expect(missing.status).toBe('warn');
    expect(missing.found).toMatch(/cannot read \/nonexistent\/proc\/cpuinfo \(ENOENT\)/);
  });
});
