import { EdgecamError } from '../errors.js';

/**
 * Output length of one axis of a convolution or pooling: (I - F + 2P) / S + 1.
 * A result that is not a whole positive number is an error naming I, F, P and S and
 * suggesting the nearest padding or stride that works (seed 003).
 * @example outputSize(13, 3, 0, 2) // 6
 */
export function outputSize(I: number, F: number, P: number, S: number): number {
  for (const [name, v, min] of [
    ['I (input size)', I, 1],
    ['F (kernel size)', F, 1],
    ['P (padding)', P, 0],
    ['S (stride)', S, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new EdgecamError(
        'EDGECAM_ERR_OUTPUT_SIZE',
        `${name} must be a whole number >= ${min}, but received ${v}`,
      );
    }
  }
  const span = I - F + 2 * P;
  if (span < 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_OUTPUT_SIZE',
      `A kernel of size F=${F} does not fit an input of size I=${I} with padding P=${P}: ` +
        `use padding P >= ${Math.ceil((F - I) / 2)} or a smaller kernel`,
    );
  }
  if (span % S !== 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_OUTPUT_SIZE',
      `Output size (I - F + 2P) / S + 1 = (${I} - ${F} + 2*${P}) / ${S} + 1 = ${span / S + 1} is not whole ` +
        `(I=${I}, F=${F}, P=${P}, S=${S}); ${suggestFix(I, F, P, S)}`,
    );
  }
  return span / S + 1;
}

function suggestFix(I: number, F: number, P: number, S: number): string {
  const fixes: string[] = [];
  for (let dp = 1; dp <= S; dp++) {
    for (const p of [P - dp, P + dp]) {
      if (p >= 0 && I - F + 2 * p >= 0 && (I - F + 2 * p) % S === 0) {
        fixes.push(`padding P=${p}`);
      }
    }
    if (fixes.length > 0) break;
  }
  const span = I - F + 2 * P;
  for (let s = S - 1; s >= 1; s--) {
    if (span % s === 0) {
      fixes.push(`stride S=${s}`);
      break;
    }
  }
  return fixes.length > 0 ? `try ${fixes.join(' or ')}` : 'change the padding or the stride';
}
