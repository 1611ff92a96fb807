import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as z from 'zod';
import { EdgecamError, firstLine } from '../errors.js';
import { type Manifest, manifestSchema } from './manifest.js';

/** The manifest's file name inside a model package. */
export const MANIFEST_FILE = 'model.json';

/** A loaded model package: its validated manifest, the model file's path and the labels. */
export interface ModelPackage {
  /** The package folder; manifest paths are relative to it. */
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: Manifest;
  /** Absolute path of the model file (model.onnx, or a tfjs model.json). */
  readonly modelPath: string;
  readonly labels: readonly string[];
}

/**
 * Reads and validates a model package: a folder with model.json, or the manifest file itself.
 * Every manifest problem is reported at once; missing model or labels files name the path.
 * @example const pkg = await loadModelPackage('models/signs'); pkg.manifest.input.width
 */
export async function loadModelPackage(path: string): Promise<ModelPackage> {
  const manifestPath = await findManifest(path);
  const dir = dirname(manifestPath);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MANIFEST',
      `${manifestPath} is not valid JSON (${firstLine(err)}): fix the file, e.g. with a JSON linter`,
      { cause: err },
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_MANIFEST',
      `${manifestPath} is not a valid model manifest:\n${formatIssues(parsed.error.issues)}\n` +
        'See "Models and inference" in the README for the format',
    );
  }
  const manifest = deepFreeze(parsed.data);
  const modelPath = resolve(dir, manifest.model);
  await mustBeFile(modelPath, `the model file named by "model" in ${manifestPath}`);
  const labels = await readLabels(manifest, dir, manifestPath);
  return { dir, manifestPath, manifest, modelPath, labels: Object.freeze(labels) };
}

async function findManifest(path: string): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `No model package at "${path}": give a folder holding ${MANIFEST_FILE} (e.g. models/signs) or the manifest's path`,
      { cause: err },
    );
  }
  const manifestPath = info.isDirectory() ? join(path, MANIFEST_FILE) : path;
  if (info.isDirectory()) await mustBeFile(manifestPath, `the manifest of the model package "${path}"`);
  else if (!path.endsWith('.json')) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `"${path}" is a model file, not a package: put it in a folder with a ${MANIFEST_FILE} manifest (see "Models and inference" in the README)`,
    );
  }
  return resolve(manifestPath);
}

async function mustBeFile(path: string, what: string): Promise<void> {
  try {
    if ((await stat(path)).isFile()) return;
  } catch {
    // Reported below, with what the file is for.
  }
  throw new EdgecamError(
    'EDGECAM_ERR_MODEL_READ',
    `Missing ${what}: ${path} does not exist or is not a file`,
  );
}

async function readLabels(manifest: Manifest, dir: string, manifestPath: string): Promise<string[]> {
  if (Array.isArray(manifest.labels)) return [...manifest.labels];
  const path = resolve(dir, manifest.labels);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_READ',
      `Cannot read the labels file "${path}" named by "labels" in ${manifestPath}: ${firstLine(err)}. ` +
        'Give a text file with one label per line, or the labels inline as a JSON array',
      { cause: err },
    );
  }
  const labels = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (labels.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_MODEL_LABELS',
      `The labels file "${basename(path)}" in ${dir} is empty: write one label per line, in the model's class order`,
    );
  }
  return labels;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const at = i.path.length === 0 ? '(top level)' : i.path.map(String).join('.');
      return `  - ${at}: ${i.message}`;
    })
    .join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
