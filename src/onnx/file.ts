import { readFile } from 'node:fs/promises';
import { EdgecamError, firstLine } from '../errors.js';
import { decodeOnnxModel } from './decode.js';
import type { OnnxModel } from './model.js';

/**
 * Reads and decodes an ONNX file: its bytes (for ONNX Runtime) and its graph (for checks and
 * rewrites). Either failure is EDGECAM_ERR_MODEL_READ; `fix` says what to do about a file that is
 * not ONNX, which differs between running a model and quantizing one.
 * @example const { bytes, model } = await readOnnxFile('models/signs/model.int8.onnx', 'export it again')
 */
export async function readOnnxFile(
  path: string,
  fix: string,
): Promise<{ bytes: Uint8Array; model: OnnxModel }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `Cannot read the model file ${path}: ${firstLine(err)}`,
      {
        cause: err,
      },
    );
  }
  try {
    return { bytes, model: decodeOnnxModel(bytes) };
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `${path} is not an ONNX model (${firstLine(err)}; ${bytes.length} bytes): ${fix}`,
      { cause: err },
    );
  }
}
