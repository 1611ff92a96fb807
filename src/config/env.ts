import type * as z from 'zod';
import { codeUnitOrder } from '../code-unit-order.js';
import { type AssignFailure, assignAt, closestKeyPath } from './assign.js';
import { formatPath } from './key-path.js';
import type { Origin } from './origin.js';
import type { ConfigProblem } from './problem.js';

type Schema = z.core.$ZodType;

/** Every config key can be set by an env variable: this prefix, then the key path. */
export const ENV_PREFIX = 'EDGECAM_';
/** Segments of the key path are joined by a double underscore: EDGECAM_MQTT__BROKER__PORT. */
export const ENV_SEPARATOR = '__';
/**
 * EDGECAM_* variables that are not config keys and are tolerated; any other EDGECAM_ variable
 * that names no key is a problem, so that a typo never passes silently. Add a name here (and to
 * config/default.yaml's header) when another part of edgecam reads a variable of its own.
 * - EDGECAM_KERNEL_ENGINE: src/kernels/plan.ts ENGINE_ENV, keeps kernel plans off WebAssembly.
 */
export const ENV_ALLOWLIST: readonly string[] = ['EDGECAM_KERNEL_ENGINE'];

/**
 * The env variable that sets a key path.
 * @example envName(['cameras', 0, 'fps']) // 'EDGECAM_CAMERAS__0__FPS'
 */
export function envName(path: readonly (string | number)[]): string {
  return ENV_PREFIX + path.map((s) => String(s).toUpperCase()).join(ENV_SEPARATOR);
}

/**
 * Applies EDGECAM_* variables to a raw config (which the caller owns) and reports the ones that
 * name no key. Keys match case-insensitively; a numeric segment indexes a list; values become
 * numbers, booleans, lists or mappings where the schema wants them. Shallower keys apply first,
 * so EDGECAM_HTTP='{port: 1}' and EDGECAM_HTTP__HOST=x combine.
 * @example applyEnv(raw, configSchema, { EDGECAM_HTTP__PORT: '9000' })
 */
export function applyEnv(
  raw: Record<string, unknown>,
  schema: Schema,
  env: Readonly<Record<string, string | undefined>>,
): { problems: ConfigProblem[]; origins: Origin[] } {
  const problems: ConfigProblem[] = [];
  const origins: Origin[] = [];
  const names = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !ENV_ALLOWLIST.includes(name) && env[name] !== undefined)
    .map((name) => ({ name, segments: name.slice(ENV_PREFIX.length).split(ENV_SEPARATOR) }))
    .sort((a, b) => a.segments.length - b.segments.length || codeUnitOrder(a.name, b.name));
  for (const { name, segments } of names) {
    const value = env[name]!;
    if (segments.some((s) => s === '')) {
      problems.push({
        path: name,
        value,
        message: 'names no config key: it has an empty segment',
        fix: `join key names with exactly "${ENV_SEPARATOR}", e.g. EDGECAM_MQTT__URL for mqtt.url`,
      });
      continue;
    }
    const result = assignAt(raw, schema, segments, value, { caseInsensitive: true });
    if (result.ok) {
      origins.push({ path: result.path, label: name });
      if (result.created !== undefined) origins.push({ path: result.created, label: name });
    } else {
      problems.push(envProblem(name, segments, value, result.failure));
    }
  }
  return { problems, origins };
}

function envProblem(name: string, segments: string[], value: string, failure: AssignFailure): ConfigProblem {
  if (failure.kind === 'value') {
    return {
      path: name,
      value,
      message: `cannot be used for ${formatPath(failure.resolved)}: ${failure.reason}`,
      fix: 'write a YAML flow value, e.g. [{kernel: box3}] or {port: 9000}, or set the keys one variable each',
    };
  }
  const suggestion = closestKeyPath(segments.slice(failure.at), failure.candidates);
  const prefix = segments.slice(0, failure.at);
  return {
    path: name,
    value,
    message: `names no config key: ${failure.reason}`,
    fix:
      suggestion === undefined
        ? `remove it; EDGECAM_ variables are key paths joined by "${ENV_SEPARATOR}", e.g. EDGECAM_HTTP__PORT for http.port`
        : `did you mean ${ENV_PREFIX}${[...prefix, ...suggestion.map((s) => s.toUpperCase())].join(ENV_SEPARATOR)}?`,
  };
}
