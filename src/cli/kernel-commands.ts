import { readFile } from 'node:fs/promises';
import { EdgecamError } from '../errors.js';
import type { Image } from '../frame.js';
import { conv2d } from '../kernels/conv2d.js';
import { sobelMagnitude } from '../kernels/edges.js';
import { createKernel, formatKernel } from '../kernels/kernel.js';
import { kernels as kernelLibrary, resolveKernel } from '../kernels/library.js';
import type { ConvOptions, Kernel, Uint8Policy } from '../kernels/types.js';
import { toUint8 } from '../kernels/uint8.js';
import { isFloat32Path, readImageFile, writeFloat32File, writeImageFile } from './image-file.js';

const PADDINGS = ['valid', 'zero', 'edge', 'reflect', 'full'] as const;
const OUTPUTS = ['clamp', 'abs', 'scale'] as const;

export interface KernelApplyFlags {
  kernel?: string;
  kernelFile?: string;
  gray?: boolean;
  mode?: string;
  padding?: string;
  stride?: string;
  output?: string;
}

/** `edgecam kernel list`: every named kernel with its matrix and what it responds to. */
export function listKernels(): string {
  const blocks = kernelLibrary.map(
    (k) => `${k.name} (${k.width}x${k.height}): ${k.description}\n${indent(formatKernel(k))}`,
  );
  blocks.push(
    'Also by name: box<N> (mean of an N x N window, N odd), gaussian<N> (N x N, OpenCV default sigma), gaussian<N>:<sigma>.',
  );
  return `${blocks.join('\n\n')}\n`;
}

/**
 * `edgecam kernel apply IN OUT`: runs a kernel chain left to right in Float32 and writes
 * 8-bit (OUT.png and friends, with the output policy) or raw Float32 (OUT.f32 + OUT.f32.json).
 */
export async function applyKernels(input: string, output: string, flags: KernelApplyFlags): Promise<string> {
  const chain = await kernelsFromFlags(flags);
  const options = convOptionsFromFlags(flags);
  const policy = policyFromFlag(flags.output);
  const image = await readImageFile(input, { gray: flags.gray ?? false });

  let result: Image = image;
  for (const kernel of chain) result = conv2d(result, kernel, options);
  const floats = result as Image<Float32Array>;

  if (isFloat32Path(output)) {
    await writeFloat32File(output, floats);
  } else {
    await writeImageFile(output, toUint8(floats, policy));
  }
  const names = chain.map((k) => k.name).join(' -> ');
  return `${input} (${image.width}x${image.height}x${image.channels}) ${names} -> ${output} (${floats.width}x${floats.height}x${floats.channels})`;
}

/** `edgecam kernel edges IN OUT`: the Sobel gradient magnitude as an 8-bit edge map. */
export async function writeEdgeMap(
  input: string,
  output: string,
  flags: { norm?: string; threshold?: string; blur?: string },
): Promise<string> {
  const norm = (flags.norm ?? 'L2').toUpperCase();
  if (norm !== 'L1' && norm !== 'L2') {
    throw new EdgecamError('EDGECAM_ERR_ARGUMENT', `--norm must be L1 or L2, but received "${flags.norm}"`);
  }
  const threshold =
    flags.threshold === undefined ? undefined : parseWhole('--threshold', flags.threshold, 0, 255);
  let image: Image = await readImageFile(input, { gray: true });
  if (flags.blur !== undefined)
    image = toUint8(conv2d(image, resolveKernel(flags.blur), { border: 'edge' }), { kind: 'clamp' });
  const edges = sobelMagnitude(image, {
    norm,
    border: 'edge',
    ...(threshold === undefined ? {} : { threshold }),
  });
  await writeImageFile(output, edges);
  return `${input} -> ${output} (Sobel magnitude ${norm}${threshold === undefined ? '' : `, threshold ${threshold}`})`;
}

async function kernelsFromFlags(flags: KernelApplyFlags): Promise<Kernel[]> {
  if (flags.kernel !== undefined && flags.kernelFile !== undefined) {
    throw new EdgecamError('EDGECAM_ERR_ARGUMENT', 'Give either --kernel or --kernel-file, not both');
  }
  if (flags.kernelFile !== undefined) return [await readKernelFile(flags.kernelFile)];
  const names = (flags.kernel ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      'No kernel given: add --kernel NAME[,NAME...] (see `edgecam kernel list`) or --kernel-file FILE.json',
    );
  }
  return names.map(resolveKernel);
}

/** Reads `{"name": "...", "weights": [[...], ...], "normalize": false}`. */
async function readKernelFile(path: string): Promise<Kernel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Cannot read kernel file "${path}": ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Kernel file "${path}" is not valid JSON (${(err as Error).message}); expected {"name": "...", "weights": [[...], ...], "normalize": false}`,
      { cause: err },
    );
  }
  if (typeof spec !== 'object' || spec === null || !Array.isArray((spec as { weights?: unknown }).weights)) {
    throw new EdgecamError(
      'EDGECAM_ERR_KERNEL',
      `Kernel file "${path}" needs a "weights" array of rows, e.g. {"name": "mine", "weights": [[0, 1, 0], [1, -4, 1], [0, 1, 0]]}`,
    );
  }
  const { name, weights, normalize } = spec as { name?: unknown; weights: number[][]; normalize?: unknown };
  try {
    return createKernel({
      name: typeof name === 'string' && name.length > 0 ? name : path,
      weights,
      normalize: normalize === true,
    });
  } catch (err) {
    if (err instanceof EdgecamError) {
      throw new EdgecamError(err.code, `Kernel file "${path}": ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function convOptionsFromFlags(flags: KernelApplyFlags): ConvOptions {
  const mode = flags.mode ?? 'convolve';
  if (mode !== 'convolve' && mode !== 'correlate') {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--mode must be convolve or correlate, but received "${mode}"`,
    );
  }
  const stride = flags.stride === undefined ? 1 : parseWhole('--stride', flags.stride, 1, 1_000);
  const padding = flags.padding ?? 'zero';
  if (/^\d+$/.test(padding)) return { mode, stride, padding: Number(padding), border: 'zero' };
  if (!(PADDINGS as readonly string[]).includes(padding)) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--padding must be one of ${PADDINGS.join(', ')} or a whole number P, but received "${padding}"`,
    );
  }
  if (padding === 'valid' || padding === 'full') return { mode, stride, padding };
  return { mode, stride, padding: 'same', border: padding as 'zero' | 'edge' | 'reflect' };
}

function policyFromFlag(output: string | undefined): Uint8Policy {
  const kind = output ?? 'clamp';
  if (!(OUTPUTS as readonly string[]).includes(kind)) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--output must be one of ${OUTPUTS.join(', ')}, but received "${kind}"`,
    );
  }
  return { kind } as Uint8Policy;
}

function parseWhole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `${flag} must be a whole number from ${min} to ${max}, but received "${text}"`,
    );
  }
  return value;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
