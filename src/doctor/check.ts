/**
 * One line of `edgecam doctor`: what was checked, the verdict, what was found, and for a warning
 * or a failure the fix. `ok` is usable as is; `warn` works, but something that would help is
 * missing; `fail` is something `edgecam run` needs with this config.
 */

export const STATUSES = ['ok', 'warn', 'fail'] as const;
export type Status = (typeof STATUSES)[number];

export interface CheckResult {
  /** A short stable name: node, onnxruntime, cpu, cameras, mqtt, ... */
  readonly name: string;
  readonly status: Status;
  /** What the check found on this board, in one line. */
  readonly found: string;
  /** What to do about it; present on every warn and fail. */
  readonly fix?: string;
}

/** A usable finding. */
export function ok(name: string, found: string): CheckResult {
  return { name, status: 'ok', found };
}

/** Works, but something that would help is missing. */
export function warn(name: string, found: string, fix: string): CheckResult {
  return { name, status: 'warn', found, fix };
}

/** Something edgecam needs with this config is missing. */
export function fail(name: string, found: string, fix: string): CheckResult {
  return { name, status: 'fail', found, fix };
}

/** `fail` when `needed`, else `warn`: a missing part is fatal only when the config uses it. */
export function missing(name: string, needed: boolean, found: string, fix: string): CheckResult {
  return needed ? fail(name, found, fix) : warn(name, found, fix);
}
