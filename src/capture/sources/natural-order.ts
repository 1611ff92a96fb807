import { codeUnitOrder } from '../../code-unit-order.js';

/**
 * Orders file names as people expect: runs of digits by their value (frame2 before frame10,
 * frame007 beside frame7), the rest letter by letter without regard to case, with case and
 * leading zeros only breaking ties, so the order is total and the same on every machine.
 *
 * Written out rather than `Intl.Collator('en', { numeric: true })`: a collator loads ICU's
 * collation data, about 2 MB of the daemon's resident memory, for sorting a folder's names once.
 * @example ['frame10.jpg', 'frame2.jpg'].sort(naturalOrder) // ['frame2.jpg', 'frame10.jpg']
 */
export function naturalOrder(a: string, b: string): number {
  let i = 0;
  let j = 0;
  // The first difference in case or in leading zeros, for a tie.
  let tie = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const endA = digitsEnd(a, i);
      const endB = digitsEnd(b, j);
      const order = compareNumbers(a.slice(i, endA), b.slice(j, endB));
      if (order !== 0) return order;
      if (tie === 0) tie = endA - i - (endB - j); // fewer leading zeros first
      i = endA;
      j = endB;
      continue;
    }
    const ra = rank(ca);
    const rb = rank(cb);
    if (ra !== rb) return ra - rb;
    if (tie === 0) tie = cb - ca; // lower case first, as a collator puts it
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  return rest !== 0 ? rest : Math.sign(tie);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsEnd(s: string, from: number): number {
  let k = from;
  while (k < s.length && isDigit(s.charCodeAt(k))) k++;
  return k;
}

/** Two runs of digits by value, without a limit on their length. */
function compareNumbers(x: string, y: string): number {
  const a = x.replace(/^0+/, '');
  const b = y.replace(/^0+/, '');
  if (a.length !== b.length) return a.length - b.length;
  return codeUnitOrder(a, b);
}

/**
 * Where a character sorts: punctuation and spaces, then digits, then letters regardless of case,
 * then the rest of Unicode, as a collator puts them (its order for file names' usual characters).
 */
function rank(c: number): number {
  if (c >= 65 && c <= 90) return 1000 + c + 32;
  if (c >= 97 && c <= 122) return 1000 + c;
  if (isDigit(c)) return 500 + c;
  return c < 128 ? c : 2000 + c;
}
