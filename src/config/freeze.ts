/**
 * Freezes a plain data tree (objects and arrays) all the way down, and returns it.
 * @example deepFreeze({ http: { port: 1 } }).http // frozen too
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
