import sharp, { type Sharp } from 'sharp';
import type { Image } from '../frame.js';
import type { Detection } from './detection.js';

// Distinct, colour-blind-friendly box colours (Okabe-Ito), one per class id.
const COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'];

/**
 * Draws detection boxes with "label score" tags over an image (sharp composite of an SVG layer)
 * and encodes it in the format the file extension names; classifications go in the top-left corner.
 * @example await annotate(image, detections).toFile('annotated.jpg')
 */
export function annotate(image: Image<Uint8Array>, detections: readonly Detection[]): Sharp {
  const { width: W, height: H, channels } = image;
  const stroke = Math.max(2, Math.round(Math.min(W, H) / 200));
  const font = Math.max(12, Math.round(Math.min(W, H) / 30));
  const parts: string[] = [];
  let line = 0;
  for (const d of detections) {
    const colour = COLOURS[d.classId % COLOURS.length]!;
    const text = escapeXml(`${d.label} ${d.score.toFixed(2)}`);
    if (d.box === undefined) {
      const y = (line++ + 1) * (font + 6);
      parts.push(
        `<rect x="0" y="${y - font - 2}" width="${text.length * font * 0.62 + 8}" height="${font + 6}" fill="${colour}"/>`,
        `<text x="4" y="${y}" font-size="${font}" font-family="sans-serif" fill="#000">${text}</text>`,
      );
      continue;
    }
    const x = d.box.x * W;
    const y = d.box.y * H;
    const tagY = y >= font + 6 ? y - font - 6 : y;
    parts.push(
      `<rect x="${x}" y="${y}" width="${d.box.w * W}" height="${d.box.h * H}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${x}" y="${tagY}" width="${text.length * font * 0.62 + 8}" height="${font + 6}" fill="${colour}"/>`,
      `<text x="${x + 4}" y="${tagY + font}" font-size="${font}" font-family="sans-serif" fill="#000">${text}</text>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${parts.join('')}</svg>`;
  const base = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: W, height: H, channels: channels === 1 ? 1 : 3 },
  });
  return base.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
