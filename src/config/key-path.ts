/** One step of a key path: a mapping key or a list index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * A key path as a maker reads it: dots between keys, brackets around list indices.
 * @example formatPath(['cameras', 0, 'fps']) // 'cameras[0].fps'
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(String(segment))) text += text === '' ? String(segment) : `.${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/**
 * Splits a CLI-style key path into its segments; `cameras.0.fps` and `cameras[0].fps` agree.
 * Segments stay strings: only the schema knows whether "0" is a list index.
 * @example splitKeyPath('cameras[0].fps') // ['cameras', '0', 'fps']
 */
export function splitKeyPath(path: string): string[] {
  return path.replace(/\[(\d+)\]/g, '.$1').split('.');
}

/**
 * The value at a key path, or undefined where the path leads nowhere.
 * @example valueAt({ http: { port: 1 } }, ['http', 'port']) // 1
 */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * True for a plain mapping (what YAML and JSON produce), false for lists, null and the rest.
 * @example isMapping({ a: 1 }) // true
 */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
