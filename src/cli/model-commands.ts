import { ACCELERATORS } from '../config/inference-schema.js';
import { EdgecamError } from '../errors.js';
import { annotate } from '../inference/annotate.js';
import { createDetector } from '../inference/detector.js';
import { formatModelReport, inspectModel } from '../inference/inspect.js';
import type { Accelerator } from '../inference/options.js';
import { readImageFile } from './image-file.js';

export interface ModelRunFlags {
  out?: string;
  accelerator?: string;
  threads?: string;
}

/**
 * `edgecam model inspect PATH`: the model's inputs, outputs, opset, operator and quantization counts,
 * file size and the manifest, with every mismatch between them. `ok` is false when there are mismatches.
 */
export async function inspectModelCommand(
  path: string,
  flags: { json?: boolean },
): Promise<{ output: string; ok: boolean }> {
  const report = await inspectModel(path);
  const output = flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatModelReport(report);
  return { output, ok: report.mismatches.length === 0 };
}

/**
 * `edgecam model run PATH IMAGE [--out annotated.jpg]`: detections as JSON (boxes normalised to the
 * image), and optionally the image with boxes and labels drawn.
 */
export async function runModelCommand(
  path: string,
  imagePath: string,
  flags: ModelRunFlags,
): Promise<string> {
  const accelerator = parseAccelerator(flags.accelerator);
  const threads = parseThreads(flags.threads);
  const image = await readImageFile(imagePath);
  const warnings: string[] = [];
  const detector = await createDetector({
    model: path,
    accelerator,
    threads,
    logger: { warn: (_f, message) => warnings.push(message), info: () => {} },
  });
  try {
    // Gray files stay gray: the tensor pass converts to the model's colour order.
    const detections = await detector.run(image);
    if (flags.out !== undefined) {
      const out = flags.out;
      try {
        await annotate(image, detections).toFile(out);
      } catch (err) {
        throw new EdgecamError(
          'EDGECAM_ERR_IMAGE_WRITE',
          `Cannot write "${out}": ${err instanceof Error ? err.message.split('\n')[0] : String(err)}. Check that the folder exists and the extension is .jpg, .png or .webp`,
          { cause: err },
        );
      }
    }
    for (const w of warnings) process.stderr.write(`edgecam: warning: ${w}\n`);
    const { info, lastTimings } = detector;
    return `${JSON.stringify(
      {
        model: info.name,
        provider: info.provider,
        runtime: info.runtime,
        image: { path: imagePath, width: image.width, height: image.height },
        timings: lastTimings,
        detections,
      },
      null,
      2,
    )}\n`;
  } finally {
    await detector.close();
  }
}

function parseAccelerator(value: string | undefined): Accelerator | undefined {
  if (value === undefined) return undefined;
  if ((ACCELERATORS as readonly string[]).includes(value)) return value as Accelerator;
  throw new EdgecamError(
    'EDGECAM_ERR_ARGUMENT',
    `Expected --accelerator to be one of ${ACCELERATORS.join(', ')} but received '${value}'`,
  );
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `Expected --threads to be a whole number >= 0 (0 = one per core) but received '${value}'`,
    );
  }
  return n;
}
