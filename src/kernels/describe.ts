/**
 * A short rendering of a bad value for an error message: strings quoted, arrays by length.
 * @example describe([1, 2]) // 'an array of length 2'
 */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return v.constructor?.name ? `a ${v.constructor.name}` : 'an object';
  return String(v);
}
