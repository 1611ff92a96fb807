import type { Evaluation, NegativesEvaluation } from './evaluate.js';

const f3 = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));
/** How many of the highest-scoring false detections the report lists. */
const WORST = 5;

/**
 * The table `edgecam model eval` prints: per-class AP and the means (detectors), or top-1/top-5
 * and the confusion matrix (classifiers, matrix up to 20 classes; the JSON always has it).
 * @example process.stdout.write(formatEvaluation(await evaluateModel(options)))
 */
export function formatEvaluation(e: Evaluation): string {
  const head = `${e.model} (${e.quantization}) on ${e.data}: ${e.images} images`;
  if (e.task === 'detect') {
    const rows = e.classes.map((c) => [c.label, String(c.objects), f3(c.ap50), f3(c.ap50to95)]);
    rows.push(['all', String(e.objects), f3(e.map50), f3(e.map50to95)]);
    return [
      `${head}, ${e.objects} objects`,
      `scores > ${e.protocol.minScore}, NMS IoU ${e.protocol.nmsIou}, at most ${e.protocol.maxDetections} a frame; COCO 101-point AP`,
      '',
      table(['class', 'objects', 'AP@0.5', 'AP@0.5:0.95'], rows),
      '',
      `mAP@0.5 ${f3(e.map50)}  mAP@0.5:0.95 ${f3(e.map50to95)}`,
      '',
    ].join('\n');
  }
  const lines = [head, '', `top-1 ${f3(e.top1)}  top-5 ${f3(e.top5)}`, ''];
  if (e.labels.length <= 20) {
    lines.push('confusion (rows: truth, columns: predicted)', '');
    lines.push(
      table(
        ['truth \\ predicted', ...e.labels],
        e.confusion.map((row, i) => [e.labels[i]!, ...row.map(String)]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

/**
 * The evaluation as JSON-ready data (without the curves, which the plot carries).
 * @example writeFile('eval.json', JSON.stringify(evaluationJson(result), null, 2))
 */
export function evaluationJson(e: Evaluation): object {
  if (e.task === 'classify') return e;
  return { ...e, classes: e.classes.map(({ curve: _curve, ...rest }) => rest) };
}

/**
 * The negatives section `edgecam model eval --negatives` prints: false detections at the
 * manifest's threshold (per 100 images, images with any, per class), the lowest threshold within
 * 1 per 100 images, and the highest-scoring false detections.
 * @example process.stdout.write(formatNegatives(await evaluateNegatives(options)))
 */
export function formatNegatives(n: NegativesEvaluation): string {
  const skipped =
    n.skipped.length === 0
      ? ''
      : ` (${plural(n.skipped.length, 'entry', 'entries')} skipped, not ${n.skipped.length === 1 ? 'an image' : 'images'}: ${list(n.skipped)})`;
  const lines = [
    `${n.model} (${n.quantization}) on ${n.folder}: ${n.images} images without objects${skipped}`,
    `scores >= ${n.protocol.minScore} collected, NMS IoU ${n.protocol.nmsIou}, at most ${n.protocol.maxDetections} a frame; every detection is a false one`,
    '',
    `at the manifest's threshold ${n.threshold}: ${plural(n.falseDetections, 'false detection', 'false detections')}, ` +
      `${Number(n.per100Images.toFixed(2))} per 100 images, on ${n.imagesWithFalseDetections} of ${n.images} images`,
  ];
  const classes = n.classes.filter((c) => c.falseDetections > 0);
  if (classes.length > 0) {
    lines.push(
      '',
      table(
        ['class', 'false detections'],
        classes.map((c) => [c.label, String(c.falseDetections)]),
      ),
    );
  }
  const allowed = Math.floor((n.maxPer100Images * n.images) / 100);
  const lowest =
    n.lowestThreshold === null
      ? `none up to 1 (${n.detections.filter((d) => d.score >= 1).length} detections score 1)`
      : String(n.lowestThreshold);
  lines.push(
    '',
    `lowest threshold with at most ${n.maxPer100Images} false detection per 100 images ` +
      `(${allowed} on ${n.images} images): ${lowest}`,
  );
  if (n.detections.length === 0) {
    lines.push('', `no detections at all, down to ${n.protocol.minScore}`);
  } else {
    lines.push(
      '',
      `highest-scoring false detections (${Math.min(WORST, n.detections.length)} of ${n.detections.length} collected)`,
      '',
      table(
        ['file', 'class', 'score'],
        n.detections.slice(0, WORST).map((d) => [d.file, d.label, f3(d.score)]),
      ),
    );
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * The negatives section of `--json`: the figures and every false detection collected (model and
 * quantization are the document's own).
 * @example { ...evaluationJson(result), negatives: negativesJson(negatives) }
 */
export function negativesJson(n: NegativesEvaluation): object {
  const { model: _model, quantization: _quantization, ...rest } = n;
  return rest;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function list(names: readonly string[], max = 3): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, ...`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
