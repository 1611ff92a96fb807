import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EdgecamError, firstLine } from '../../errors.js';
import { IMAGE_EXTENSIONS } from '../quantize/calibration-images.js';

/** A labelled object: class id and box (top-left x, y, width, height), normalised 0..1 to the image. */
export interface GroundTruthBox {
  readonly classId: number;
  readonly box: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}

export interface DetectionSample {
  readonly image: string;
  readonly objects: readonly GroundTruthBox[];
}

export interface ClassificationSample {
  readonly image: string;
  readonly classId: number;
}

/** A folder of images without objects: the images' paths, and the names of the entries skipped. */
export interface NegativeSet {
  readonly images: readonly string[];
  /** Entries that are not image files (by extension, as the other sets pick images), sorted. */
  readonly skipped: readonly string[];
}

const isImage = (name: string) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/**
 * A YOLO-format detection set: DIR/images/*.jpg with DIR/labels/*.txt, or the .txt beside each image.
 * Each label line is `class cx cy w h`, normalised; an empty file means no objects. A missing
 * label file, a bad line or a class id outside the labels throws EDGECAM_ERR_EVAL_DATA.
 * @example const samples = await readYoloSet('/tmp/signs/test', labels.length)
 */
export async function readYoloSet(dir: string, classCount: number): Promise<DetectionSample[]> {
  const split = await isDir(join(dir, 'images'));
  const imageDir = split ? join(dir, 'images') : dir;
  const images = (await listDir(imageDir)).filter(isImage).sort();
  if (images.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_EVAL_DATA',
      `No images in "${imageDir}": give a YOLO-format folder (images/ and labels/, or each image with a .txt beside it)`,
    );
  }
  const labelPath = (image: string) =>
    join(split ? join(dir, 'labels') : dir, `${basename(image, extname(image))}.txt`);
  const texts = await Promise.all(images.map((i) => readFile(labelPath(i), 'utf8').catch(() => undefined)));
  const missing = images.filter((_, k) => texts[k] === undefined);
  if (missing.length > 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_EVAL_DATA',
      `${missing.length} of ${images.length} images in "${imageDir}" have no label file (first: ${labelPath(missing[0]!)}): ` +
        'write one .txt per image (an empty file for an image without objects)',
    );
  }
  return images.map((image, k) => ({
    image: join(imageDir, image),
    objects: parseYoloLabels(texts[k]!, labelPath(image), classCount),
  }));
}

/**
 * Parses one YOLO label file: `class cx cy w h` per line, normalised to the image.
 * @example parseYoloLabels('0 0.5 0.5 0.2 0.4\n', 'a.txt', 10) // [{ classId: 0, box: { x: 0.4, y: 0.3, w: 0.2, h: 0.4 } }]
 */
export function parseYoloLabels(text: string, path: string, classCount: number): GroundTruthBox[] {
  const boxes: GroundTruthBox[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const parts = line.trim().split(/\s+/).map(Number);
    const [c, cx, cy, w, h] = parts;
    const bad = (why: string) =>
      new EdgecamError(
        'EDGECAM_ERR_EVAL_DATA',
        `${path}:${i + 1}: ${why} in "${line.trim()}": YOLO label lines are "class cx cy w h", normalised 0..1`,
      );
    if (parts.length < 5 || parts.some((v) => !Number.isFinite(v))) throw bad('expected 5 numbers');
    if (!Number.isInteger(c) || c! < 0 || c! >= classCount) {
      throw bad(`class ${c} is not one of the model's ${classCount} classes (0..${classCount - 1})`);
    }
    boxes.push({ classId: c!, box: { x: cx! - w! / 2, y: cy! - h! / 2, w: w!, h: h! } });
  });
  return boxes;
}

/**
 * A classification set: one subfolder per class, named as the class's label (DIR/cat/*.jpg).
 * A folder name that is not a label throws EDGECAM_ERR_EVAL_DATA, naming the labels.
 * @example const samples = await readClassFolders('data/val', ['cat', 'dog'])
 */
export async function readClassFolders(
  dir: string,
  labels: readonly string[],
): Promise<ClassificationSample[]> {
  const entries = await listDir(dir);
  const folders: string[] = [];
  for (const e of entries.sort()) if (await isDir(join(dir, e))) folders.push(e);
  const unknown = folders.filter((f) => !labels.includes(f));
  if (unknown.length > 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_EVAL_DATA',
      `Folders in "${dir}" that are not labels of the model: ${unknown.join(', ')}. Name each class folder as its label (${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', ...' : ''})`,
    );
  }
  const samples: ClassificationSample[] = [];
  for (const f of folders) {
    for (const image of (await listDir(join(dir, f))).filter(isImage).sort()) {
      samples.push({ image: join(dir, f, image), classId: labels.indexOf(f) });
    }
  }
  if (samples.length === 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_EVAL_DATA',
      `No images in class folders under "${dir}": a classifier is evaluated on DIR/<label>/*.jpg`,
    );
  }
  return samples;
}

/**
 * The images of a folder without objects (`--negatives`): every .jpg, .png, ... directly in DIR,
 * sorted; other entries (by their names: text files, subfolders) are skipped and named, as the
 * labelled sets skip them. A folder without images throws EDGECAM_ERR_EVAL_DATA naming it.
 * @example const { images, skipped } = await readNegativeSet('data/no-signs')
 */
export async function readNegativeSet(dir: string): Promise<NegativeSet> {
  const entries = (await listDir(dir, 'the --negatives folder')).sort();
  const images = entries.filter(isImage);
  const skipped = entries.filter((e) => !isImage(e));
  if (images.length === 0) {
    const others =
      skipped.length === 0
        ? 'it is empty'
        : `it holds ${plural(skipped.length, 'entry', 'entries')}, none an image (${skipped[0]}${skipped.length > 1 ? ', ...' : ''})`;
    throw new EdgecamError(
      'EDGECAM_ERR_EVAL_DATA',
      `No images in the --negatives folder "${dir}": ${others}. Give a folder of images ` +
        `(${[...IMAGE_EXTENSIONS].join(', ')}) that show none of the model's objects`,
    );
  }
  return { images: images.map((name) => join(dir, name)), skipped };
}

async function listDir(dir: string, what = 'the data folder'): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    throw new EdgecamError('EDGECAM_ERR_EVAL_DATA', `Cannot read ${what} "${dir}": ${firstLine(err)}`, {
      cause: err,
    });
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
