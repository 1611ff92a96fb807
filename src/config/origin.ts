import type { PathSegment } from './key-path.js';

/** A key path that an env variable or a CLI override set, so that problems there name it. */
export interface Origin {
  readonly path: readonly PathSegment[];
  /** `EDGECAM_HTTP__PORT` or `override http.port`. */
  readonly label: string;
}

/**
 * The origin of the value at `path`: the last origin at or above it.
 * @example originOf([{ path: ['http'], label: 'EDGECAM_HTTP' }], ['http', 'port']) // 'EDGECAM_HTTP'
 */
export function originOf(origins: readonly Origin[], path: readonly PathSegment[]): string | undefined {
  for (let i = origins.length - 1; i >= 0; i--) {
    const origin = origins[i]!;
    if (origin.path.length <= path.length && origin.path.every((s, j) => s === path[j])) return origin.label;
  }
  return undefined;
}
