import { isEdgecamError } from '../errors.js';
import type { Shape } from '../frame.js';
import { conv2dShape } from '../kernels/conv2d.js';
import { didYouMean } from '../suggest.js';
import { type ChainConfig, chainSchema, INLINE_KERNEL_NAME } from './chain-schema.js';
import type { PathProblem } from './issues.js';
import { buildKernel } from './kernel-ref.js';
import { formatPath, isMapping, type PathSegment } from './key-path.js';
import { splitRemedy } from './remedy.js';
import { cameraSchema, defaultCamera, defaultChains } from './schema.js';
import { cropOverflow, frameSize } from './source-schema.js';

/**
 * Checks that span keys, which the schema checks one by one: unique camera ids, chain names a
 * camera references, and each camera's chains run step by step on its frame size, so that an
 * impossible stride or padding is a config problem naming the camera, the chain, the step and
 * the numbers, not a crash at the first frame. Works on the raw (merged, unvalidated) config and
 * checks whatever parts are valid, so these problems come together with the schema's.
 */
export function crossCheck(raw: Readonly<Record<string, unknown>>): PathProblem[] {
  const problems: PathProblem[] = [];
  const chains = readChains(raw);
  const cameras = raw.cameras === undefined ? [defaultCamera()] : raw.cameras;
  if (!Array.isArray(cameras)) return problems;
  const firstWithId = new Map<string, number>();
  cameras.forEach((camera: unknown, index) => {
    if (!isMapping(camera)) return;
    const { id } = camera;
    if (typeof id === 'string') {
      const first = firstWithId.get(id);
      if (first === undefined) firstWithId.set(id, index);
      else {
        problems.push({
          segments: ['cameras', index, 'id'],
          value: id,
          message: `duplicate camera id: cameras[${first}] has it too`,
          fix: 'give each camera its own id (the id names its MQTT topics)',
        });
      }
    }
    const width = cameraSchema.shape.width.safeParse(camera.width);
    const height = cameraSchema.shape.height.safeParse(camera.height);
    const crop = cameraSchema.shape.crop.safeParse(camera.crop);
    const rotate = cameraSchema.shape.rotate.safeParse(camera.rotate);
    const name = typeof id === 'string' ? `camera "${id}"` : `cameras[${index}]`;
    const overflow =
      width.success && height.success && crop.success && crop.data !== undefined
        ? cropOverflow(crop.data, width.data, height.data)
        : undefined;
    if (overflow !== undefined) {
      problems.push({
        segments: ['cameras', index, 'crop'],
        value: camera.crop,
        message: `the crop does not fit in ${name}'s ${width.data}x${height.data} frame: ${overflow}`,
        fix: 'make x + width <= width and y + height <= height (the crop is taken before rotation)',
      });
    }
    // Chains run on the frames the camera delivers: cropped, then rotated.
    const frame =
      width.success && height.success && crop.success && rotate.success && overflow === undefined
        ? {
            ...frameSize({ width: width.data, height: height.data, rotate: rotate.data, crop: crop.data }),
            channels: 1,
          }
        : undefined;
    for (const slot of ['preprocess', 'edges'] as const) {
      const ref = camera[slot];
      const at: PathSegment[] = ['cameras', index, slot];
      if (typeof ref === 'string') {
        if (chains === undefined) continue;
        const chain = chains.valid.get(ref);
        if (chain !== undefined && frame !== undefined) {
          checkSizes(
            chain,
            frame,
            `${name} (${frame.width}x${frame.height}) cannot run chain "${ref}"`,
            (k) => ['kernels', 'chains', ref, k],
            index,
            problems,
          );
        } else if (!chains.names.includes(ref)) {
          const suggestion = didYouMean(ref, chains.names);
          problems.push({
            segments: at,
            value: ref,
            message: `no chain named "${ref}" in kernels.chains`,
            fix:
              suggestion !== undefined
                ? `did you mean "${suggestion}"?`
                : raw.cameras === undefined
                  ? `the default camera uses the default chains: keep a chain named "${ref}" under kernels.chains, or list your own cameras`
                  : `define it under kernels.chains${chains.names.length > 0 ? ` (defined: ${chains.names.join(', ')})` : ''}, or write the steps here: ${slot}: [{ kernel: gaussian5 }]`,
          });
        }
      } else if (Array.isArray(ref) && frame !== undefined) {
        const inline = chainSchema.safeParse(ref);
        if (inline.success) {
          checkSizes(
            inline.data,
            frame,
            `${name} (${frame.width}x${frame.height}) cannot run its ${slot} steps`,
            (k) => [...at, k],
            index,
            problems,
          );
        }
      }
    }
  });
  return problems;
}

/** The chains a camera can reference: all names written, and those whose steps are valid. */
function readChains(
  raw: Readonly<Record<string, unknown>>,
): { names: string[]; valid: Map<string, ChainConfig> } | undefined {
  const { kernels } = raw;
  let written: unknown;
  if (kernels === undefined) written = defaultChains();
  else if (isMapping(kernels)) written = kernels.chains === undefined ? defaultChains() : kernels.chains;
  // Chains the schema cannot read: references to them cannot be judged, and the schema reports the cause.
  if (!isMapping(written)) return undefined;
  const valid = new Map<string, ChainConfig>();
  for (const [name, steps] of Object.entries(written)) {
    const parsed = chainSchema.safeParse(steps);
    if (parsed.success) valid.set(name, parsed.data);
  }
  return { names: Object.keys(written), valid };
}

function checkSizes(
  chain: ChainConfig,
  frame: Shape,
  what: string,
  stepPath: (step: number) => PathSegment[],
  cameraIndex: number,
  problems: PathProblem[],
): void {
  let shape: Shape = frame;
  for (let k = 0; k < chain.length; k++) {
    const step = chain[k]!;
    if ('edges' in step) {
      // An edge map keeps the size (3x3 Sobel, 'same' padding) and has one channel.
      shape = { width: shape.width, height: shape.height, channels: 1 };
      continue;
    }
    const kernel = buildKernel(step.kernel, INLINE_KERNEL_NAME);
    const { mode, padding, border, stride } = step;
    try {
      shape = conv2dShape(shape, kernel, { mode, padding, border, stride });
    } catch (err) {
      if (!isEdgecamError(err)) throw err;
      const { message, fix } = splitRemedy(err.message);
      const sizes = `cameras[${cameraIndex}].width/height`;
      problems.push({
        segments: stepPath(k),
        value: step,
        message:
          `${what}: step ${k} (${kernel.name} ${kernel.width}x${kernel.height}, padding ${padding ?? 'same'}, ` +
          `stride ${stride ?? 1}) gets a ${shape.width}x${shape.height} input. ${message}`,
        fix: `${fix ?? 'change the padding or the stride'} in ${formatPath(stepPath(k))}, or change ${sizes}`,
      });
      return;
    }
  }
}
