import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CheckResult, ok, warn } from './check.js';

/**
 * The CPU instructions ONNX Runtime's int8 kernels (MLAS) pick at run time, read from
 * /proc/cpuinfo: on ARM the dot product (SDOT/UDOT, `asimddp`, ARMv8.2: a Pi 5, a Jetson Orin;
 * not a Pi 4) and the int8 matrix multiply (`i8mm`, ARMv8.6); on x86 VNNI (`avx512_vnni`,
 * `avx_vnni`), else AVX2. Without them int8 models still run, on slower kernels.
 */

export interface CpuInfo {
  /** Logical CPUs ("processor" entries). */
  readonly cores: number;
  /** The CPU's name: x86 "model name", ARM the core from "CPU part", or ''. */
  readonly model: string;
  /** x86 "flags" or ARM "Features", as a set. */
  readonly features: ReadonlySet<string>;
  /** Which of the two lines was there. */
  readonly isa: 'x86' | 'arm' | 'unknown';
}

// ARM's "CPU part" numbers (implementer 0x41, ARM Ltd) of the cores on common boards.
const ARM_CORES: Readonly<Record<string, string>> = {
  '0xd03': 'Cortex-A53',
  '0xd04': 'Cortex-A35',
  '0xd05': 'Cortex-A55',
  '0xd07': 'Cortex-A57',
  '0xd08': 'Cortex-A72',
  '0xd09': 'Cortex-A73',
  '0xd0b': 'Cortex-A76',
  '0xd0c': 'Neoverse-N1',
  '0xd41': 'Cortex-A78',
  '0xd42': 'Cortex-A78AE',
  '0xd4b': 'Cortex-A78C',
};

/**
 * Parses /proc/cpuinfo's text.
 * @example parseCpuinfo('processor\t: 0\nFeatures\t: fp asimd asimddp\nCPU part\t: 0xd0b\n') // { cores: 1, model: 'Cortex-A76', isa: 'arm', ... }
 */
export function parseCpuinfo(text: string): CpuInfo {
  let cores = 0;
  let model = '';
  let part = '';
  let flags: string | undefined;
  let armFeatures: string | undefined;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') cores++;
    else if (key === 'model name' && model === '') model = value;
    else if (key === 'CPU part' && part === '') part = value;
    else if (key === 'flags') flags ??= value;
    else if (key === 'Features') armFeatures ??= value;
  }
  const list = flags ?? armFeatures;
  const isa = flags !== undefined ? 'x86' : armFeatures !== undefined ? 'arm' : 'unknown';
  // 32-bit ARM kernels name the processor ("ARMv7 Processor rev 3 (v7l)"); the core says more.
  const core = ARM_CORES[part.toLowerCase()];
  return {
    cores,
    model: isa === 'arm' && core !== undefined ? core : model,
    features: new Set(list === undefined ? [] : list.split(/\s+/).filter(Boolean)),
    isa,
  };
}

/**
 * The int8 verdict for a parsed cpuinfo.
 * @example int8Verdict(parseCpuinfo(text)).status // 'ok' with asimddp or VNNI
 */
export function int8Verdict(cpu: CpuInfo): CheckResult {
  const name = [cpu.cores > 0 ? `${cpu.cores} core${cpu.cores === 1 ? '' : 's'}` : '', cpu.model]
    .filter(Boolean)
    .join(', ');
  const has = (flag: string) => cpu.features.has(flag);
  const found = (what: string) => `${name === '' ? '' : `${name}: `}${what}`;
  if (cpu.isa === 'arm') {
    if (has('asimddp')) {
      return ok(
        'cpu',
        found(`int8 dot product (asimddp)${has('i8mm') ? ' and int8 matrix multiply (i8mm)' : ''}`),
      );
    }
    const simd = has('asimd') ? 'NEON (asimd)' : has('neon') ? 'NEON (32-bit)' : 'no NEON';
    return warn(
      'cpu',
      found(`${simd} without the int8 dot product (asimddp, ARMv8.2)`),
      'nothing to install: int8 models run on plain NEON kernels here, slower per frame than on an ARMv8.2 core (Raspberry Pi 5, Jetson Orin); a lower camera fps or a smaller model input keeps up',
    );
  }
  if (cpu.isa === 'x86') {
    const vnni = ['avx512_vnni', 'avx_vnni'].filter(has);
    if (vnni.length > 0) return ok('cpu', found(`int8 VNNI (${vnni.join(', ')})`));
    if (has('avx2')) return ok('cpu', found('AVX2 for int8 (no VNNI)'));
    return warn(
      'cpu',
      found('no AVX2: int8 models run on SSE kernels'),
      'nothing to install: int8 models run, slower per frame than on a CPU with AVX2 or VNNI',
    );
  }
  return warn(
    'cpu',
    found('no "flags" or "Features" line in cpuinfo: the int8 instructions cannot be told'),
    'nothing to do for edgecam to run; ONNX Runtime picks its kernels itself',
  );
}

/**
 * Reads `procRoot`/cpuinfo and gives its int8 verdict.
 * @example await checkCpuFeatures('/proc')
 */
export async function checkCpuFeatures(procRoot: string): Promise<CheckResult> {
  const file = join(procRoot, 'cpuinfo');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return warn(
      'cpu',
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      'nothing to do for edgecam to run; ONNX Runtime picks its kernels itself',
    );
  }
  return int8Verdict(parseCpuinfo(text));
}
