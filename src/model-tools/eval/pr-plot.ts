import sharp from 'sharp';
import { EdgecamError, firstLine } from '../../errors.js';
import type { DetectorEvaluation } from './evaluate.js';

const W = 900;
const H = 600;
const PLOT = { x: 70, y: 40, w: 560, h: 500 };
// Ten distinguishable colours (Tableau 10), then repeated.
const COLOURS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/**
 * The precision-recall curves at IoU 0.5, one per class, as an SVG (text in DejaVu Sans or the
 * system's sans-serif).
 * @example const svg = precisionRecallSvg(evaluation)
 */
export function precisionRecallSvg(e: DetectorEvaluation): string {
  const px = (r: number) => (PLOT.x + r * PLOT.w).toFixed(1);
  const py = (p: number) => (PLOT.y + (1 - p) * PLOT.h).toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PLOT.x}" y="24" font-size="15">Precision-recall at IoU 0.5: mAP@0.5 ${e.map50.toFixed(3)} (${e.images} images)</text>`,
  ];
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    parts.push(
      `<line x1="${px(0)}" y1="${py(v)}" x2="${px(1)}" y2="${py(v)}" stroke="#e5e5e5"/>`,
      `<line x1="${px(v)}" y1="${py(0)}" x2="${px(v)}" y2="${py(1)}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.x - 8}" y="${Number(py(v)) + 4}" text-anchor="end">${v.toFixed(1)}</text>`,
      `<text x="${px(v)}" y="${PLOT.y + PLOT.h + 18}" text-anchor="middle">${v.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.x}" y="${PLOT.y}" width="${PLOT.w}" height="${PLOT.h}" fill="none" stroke="#333"/>`,
    `<text x="${PLOT.x + PLOT.w / 2}" y="${H - 12}" text-anchor="middle">recall</text>`,
    `<text transform="translate(18 ${PLOT.y + PLOT.h / 2}) rotate(-90)" text-anchor="middle">precision</text>`,
  );
  e.classes.forEach((c, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    const { recall, precision } = c.curve;
    // One point per distinct recall (the curve has one per detection: thousands).
    const points: string[] = [`${px(0)},${py(precision[0] ?? 1)}`];
    for (let i = 0; i < recall.length; i++) {
      if (i + 1 < recall.length && recall[i + 1] === recall[i]) continue;
      points.push(`${px(recall[i]!)},${py(precision[i]!)}`);
    }
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const ly = PLOT.y + 10 + k * 20;
    parts.push(
      `<line x1="${PLOT.x + PLOT.w + 20}" y1="${ly}" x2="${PLOT.x + PLOT.w + 44}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${PLOT.x + PLOT.w + 50}" y="${ly + 4}">${escapeXml(c.label)} ${Number.isNaN(c.ap50) ? '-' : c.ap50.toFixed(3)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Writes the precision-recall plot as a PNG (the SVG rendered by sharp's librsvg).
 * @example await writePrecisionRecallPng(evaluation, 'pr.png')
 */
export async function writePrecisionRecallPng(e: DetectorEvaluation, path: string): Promise<void> {
  try {
    await sharp(Buffer.from(precisionRecallSvg(e)))
      .png()
      .toFile(path);
  } catch (err) {
    throw new EdgecamError(
      'EDGECAM_ERR_IMAGE_WRITE',
      `Cannot write the precision-recall plot "${path}": ${firstLine(err)}. Check that the folder exists`,
      { cause: err },
    );
  }
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
