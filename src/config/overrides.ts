import type * as z from 'zod';
import { codeUnitOrder } from '../code-unit-order.js';
import { assignAt, closestKeyPath } from './assign.js';
import { formatPath, splitKeyPath } from './key-path.js';
import type { Origin } from './origin.js';
import type { ConfigProblem } from './problem.js';

type Schema = z.core.$ZodType;

/**
 * Applies CLI overrides (dotted key paths: `http.port`, `cameras.0.fps` or `cameras[0].fps`) to a
 * raw config the caller owns. Undefined values are skipped (an unset flag); strings are converted
 * like env values; other values are copied. Keys match exactly.
 * @example applyOverrides(raw, configSchema, { 'http.port': 9000 })
 */
export function applyOverrides(
  raw: Record<string, unknown>,
  schema: Schema,
  overrides: Readonly<Record<string, unknown>>,
): { problems: ConfigProblem[]; origins: Origin[] } {
  const problems: ConfigProblem[] = [];
  const origins: Origin[] = [];
  const keys = Object.keys(overrides).sort(
    (a, b) => splitKeyPath(a).length - splitKeyPath(b).length || codeUnitOrder(a, b),
  );
  for (const key of keys) {
    const value = overrides[key];
    if (value === undefined) continue;
    const segments = splitKeyPath(key);
    const label = `override ${key}`;
    const result = assignAt(raw, schema, segments, value, { caseInsensitive: false });
    if (result.ok) {
      origins.push({ path: result.path, label });
      if (result.created !== undefined) origins.push({ path: result.created, label });
      continue;
    }
    const { failure } = result;
    if (failure.kind === 'value') {
      problems.push({
        path: key,
        value,
        message: `cannot be used for ${formatPath(failure.resolved)}: ${failure.reason}`,
        fix: 'pass a plain value (string, number, boolean, list or mapping)',
      });
      continue;
    }
    const suggestion = closestKeyPath(segments.slice(failure.at), failure.candidates);
    problems.push({
      path: key,
      value,
      message: `names no config key: ${failure.reason}`,
      fix:
        suggestion === undefined
          ? 'use a key path from config/default.yaml, e.g. http.port or cameras.0.fps'
          : `did you mean "${[...segments.slice(0, failure.at), ...suggestion].join('.')}"?`,
    });
  }
  return { problems, origins };
}
