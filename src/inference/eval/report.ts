import type { Evaluation } from './evaluate.js';

const f3 = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(3));

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

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
