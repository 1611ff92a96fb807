import { isEdgecamError } from '../errors.js';
import type { Shape } from '../frame.js';
import { conv2dShape } from '../kernels/conv2d.js';
import { didYouMean } from '../suggest.js';
import { type ChainConfig, chainSchema } from './chain-schema.js';
import type { PathProblem } from './issues.js';
import { buildKernel, INLINE_KERNEL_NAME } from './kernel-ref.js';
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
    checkUniqueId(camera.id, index, firstWithId, problems);
    const name = typeof camera.id === 'string' ? `camera "${camera.id}"` : `cameras[${index}]`;
    const site: CameraSite = { raw, chains, index, name, frame: checkFrame(camera, index, name, problems) };
    for (const slot of ['preprocess', 'edges'] as const) checkChainRef(camera[slot], slot, site, problems);
  });
  return problems;
}

/** A camera being checked: where it is, its name in messages, the frame its chains get (when known). */
interface CameraSite {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly chains: Chains | undefined;
  readonly index: number;
  readonly name: string;
  readonly frame: Shape | undefined;
}

function checkUniqueId(
  id: unknown,
  index: number,
  firstWithId: Map<string, number>,
  problems: PathProblem[],
): void {
  if (typeof id !== 'string') return;
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

/**
 * The frame a camera's chains run on (cropped, then rotated), once its size keys are valid and the
 * crop fits; a crop that does not fit is a problem.
 */
function checkFrame(
  camera: Readonly<Record<string, unknown>>,
  index: number,
  name: string,
  problems: PathProblem[],
): Shape | undefined {
  const width = cameraSchema.shape.width.safeParse(camera.width);
  const height = cameraSchema.shape.height.safeParse(camera.height);
  const crop = cameraSchema.shape.crop.safeParse(camera.crop);
  const rotate = cameraSchema.shape.rotate.safeParse(camera.rotate);
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
  if (!width.success || !height.success || !crop.success || !rotate.success || overflow !== undefined) {
    return undefined;
  }
  const size = frameSize({ width: width.data, height: height.data, rotate: rotate.data, crop: crop.data });
  return { ...size, channels: 1 };
}

/** A camera's `preprocess` or `edges`: a chain name that must exist, or inline steps; either must fit its frame. */
function checkChainRef(
  ref: unknown,
  slot: 'preprocess' | 'edges',
  site: CameraSite,
  problems: PathProblem[],
): void {
  const { chains, frame, index, name } = site;
  const at: PathSegment[] = ['cameras', index, slot];
  if (typeof ref === 'string') {
    if (chains === undefined) return;
    const chain = chains.valid.get(ref);
    if (chain !== undefined && frame !== undefined) {
      const what = `${name} (${frame.width}x${frame.height}) cannot run chain "${ref}"`;
      checkSizes(chain, frame, what, (k) => ['kernels', 'chains', ref, k], index, problems);
    } else if (!chains.names.includes(ref)) {
      problems.push(unknownChain(ref, slot, at, chains.names, site.raw.cameras === undefined));
    }
  } else if (Array.isArray(ref) && frame !== undefined) {
    const inline = chainSchema.safeParse(ref);
    if (inline.success) {
      const what = `${name} (${frame.width}x${frame.height}) cannot run its ${slot} steps`;
      checkSizes(inline.data, frame, what, (k) => [...at, k], index, problems);
    }
  }
}

function unknownChain(
  ref: string,
  slot: 'preprocess' | 'edges',
  at: PathSegment[],
  names: string[],
  defaultCameraUsed: boolean,
): PathProblem {
  const suggestion = didYouMean(ref, names);
  return {
    segments: at,
    value: ref,
    message: `no chain named "${ref}" in kernels.chains`,
    fix:
      suggestion !== undefined
        ? `did you mean "${suggestion}"?`
        : defaultCameraUsed
          ? `the default camera uses the default chains: keep a chain named "${ref}" under kernels.chains, or list your own cameras`
          : `define it under kernels.chains${names.length > 0 ? ` (defined: ${names.join(', ')})` : ''}, or write the steps here: ${slot}: [{ kernel: gaussian5 }]`,
  };
}

/** The chain names a config writes, and those whose steps are valid. */
interface Chains {
  readonly names: string[];
  readonly valid: Map<string, ChainConfig>;
}

/** The chains a camera can reference: all names written, and those whose steps are valid. */
function readChains(raw: Readonly<Record<string, unknown>>): Chains | undefined {
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
