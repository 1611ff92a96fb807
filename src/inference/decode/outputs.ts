import { EdgecamError } from '../../errors.js';
import type { DecoderContext, ModelOutputs, OutputTensor } from './decoder.js';

/**
 * The output a decoder reads: the named one, or the model's first. A name the model does not have is
 * a manifest/model mismatch.
 * @example const name = pickOutput(ctx, spec.output, 'yolov8');
 */
export function pickOutput(ctx: DecoderContext, name: string | undefined, decoder: string): string {
  if (name === undefined) {
    const first = ctx.outputs[0];
    if (first === undefined) {
      throw new EdgecamError(
        'EDGECAM_ERR_MODEL_MISMATCH',
        `${ctx.where}: the model has no outputs for the ${decoder} decoder`,
      );
    }
    return first.name;
  }
  if (!ctx.outputs.some((o) => o.name === name)) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MISMATCH',
      `${ctx.where}: the manifest's ${decoder} decoder reads output '${name}' but the model's outputs are ` +
        `${ctx.outputs.map((o) => `'${o.name}'`).join(', ')}: fix output in model.json`,
    );
  }
  return name;
}

/** The named tensor from a run; its absence means the backend and the declared outputs disagree. */
export function getOutput(outputs: ModelOutputs, name: string, where: string): OutputTensor {
  const t = outputs.get(name);
  if (t === undefined) {
    throw new EdgecamError('EDGECAM_ERR_MODEL_MISMATCH', `${where}: the model returned no output '${name}'`);
  }
  return t;
}

/** The declared shape of an output as numbers, with -1 for symbolic or unknown dims. */
export function declaredShape(ctx: DecoderContext, name: string): number[] | undefined {
  const shape = ctx.outputs.find((o) => o.name === name)?.shape;
  return shape?.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
}

/**
 * The error for a class count that disagrees with the labels, naming both counts and the fix.
 * @example throw labelMismatch(ctx, 80, 'output0 [1, 84, 8400]')
 */
export function labelMismatch(ctx: DecoderContext, classes: number, seen: string): EdgecamError {
  return new EdgecamError(
    'EDGECAM_ERR_MODEL_LABELS',
    `${ctx.where}: the model has ${classes} classes (${seen}) but the manifest lists ${ctx.labels.length} labels: ` +
      `give exactly ${classes} labels, one per class in the model's order`,
  );
}

/** Renders dims for messages: [1, 84, 8400]. */
export function formatDims(dims: readonly (number | string | undefined)[]): string {
  return `[${dims.map((d) => (d === undefined || d === -1 ? '?' : String(d))).join(', ')}]`;
}
