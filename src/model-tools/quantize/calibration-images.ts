import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EdgecamError, firstLine } from '../../errors.js';
import type { InputSpec } from '../../inference/manifest.js';
import { InputTensor } from '../../inference/tensor.js';
import { readImage } from '../image-reader.js';
import type { CalibrationInput } from './ranges.js';

/** File extensions read as images (what sharp decodes). */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp']);

/**
 * Every image file under a folder (subfolders included), sorted by path, so calibration sees the
 * same images in the same order on every run. Throws EDGECAM_ERR_CALIBRATION_DATA when the folder
 * is missing or holds no image.
 * @example const files = await listImages('/tmp/signs/calib')
 */
export async function listImages(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { recursive: true })).map(String);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_CALIBRATION_DATA',
      `Cannot read the calibration folder "${dir}": ${firstLine(err)}. Give a folder of images like the ones the model will see`,
      { cause: err },
    );
  }
  const files = entries
    .filter((e) => IMAGE_EXTENSIONS.has(e.slice(e.lastIndexOf('.')).toLowerCase()))
    .sort()
    .map((e) => join(dir, e));
  if (files.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_CALIBRATION_DATA',
      `The calibration folder "${dir}" holds no images (.jpg, .png, .webp, .tif): put 100 to 500 images like the ones the model will see there`,
    );
  }
  return files;
}

/**
 * The calibration inputs: each image decoded and turned into the model's input tensor exactly as
 * the runtime will (resize mode, colour order, normalisation, layout from the manifest).
 * @example for await (const input of calibrationInputs(files, manifest.input, 'images')) ...
 */
export async function* calibrationInputs(
  files: readonly string[],
  spec: InputSpec,
  inputName: string,
): AsyncGenerator<CalibrationInput> {
  const tensor = new InputTensor(spec);
  if (!(tensor.data instanceof Float32Array)) {
    throw new EdgecamError(
      'EDGECAM_ERR_QUANTIZE',
      `The manifest's input dtype is ${spec.dtype}: only float32 models are quantized (this one already takes integers)`,
    );
  }
  for (const file of files) {
    tensor.fill(await readImage(file, 'EDGECAM_ERR_CALIBRATION_DATA'));
    yield { name: inputName, data: tensor.data, dims: tensor.dims };
  }
}
