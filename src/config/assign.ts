import { parse } from 'yaml';
import type * as z from 'zod';
import { editDistance } from '../suggest.js';
import { formatPath, isMapping, type PathSegment } from './key-path.js';
import {
  alternatives,
  describeSchema,
  elementSchema,
  fieldSchema,
  isLooseObject,
  objectKeys,
  recordValueSchema,
  valueKinds,
} from './schema-walk.js';

/**
 * Setting one key path inside a raw (not yet validated) config, guided by the schema: the
 * shared core of env variables and CLI overrides. Missing parents are created from the
 * schema's defaults, so `EDGECAM_CAMERAS__0__FPS` changes the default camera rather than
 * replacing the list with a one-key camera.
 */

type Schema = z.core.$ZodType;

export interface AssignOptions {
  /** Env variables are upper case: match keys case-insensitively, and name new record keys in lower case. */
  readonly caseInsensitive: boolean;
}

export interface AssignFailure {
  /** Index of the segment that could not be placed. */
  readonly at: number;
  /** The segments placed before it, as schema keys and list indices. */
  readonly resolved: PathSegment[];
  readonly reason: string;
  /** `key`: the path names no config key; `value`: it does, but the value cannot be used. */
  readonly kind: 'key' | 'value';
  /** Key paths that exist below the last placed segment, for a did-you-mean. */
  readonly candidates: string[][];
}

export type AssignResult =
  | { readonly ok: true; readonly path: PathSegment[]; readonly created: PathSegment[] | undefined }
  | { readonly ok: false; readonly failure: AssignFailure };

type Container = Record<string, unknown> | unknown[];

/**
 * Writes `value` at `segments` in `root` (mutating root, which the caller owns). A string value
 * becomes a number, boolean, list or mapping where the schema wants one (see coerceText).
 * @example assignAt(raw, configSchema, ['HTTP', 'PORT'], '9000', { caseInsensitive: true }) // raw.http.port === 9000
 */
export function assignAt(
  root: Record<string, unknown>,
  schema: Schema,
  segments: readonly string[],
  value: unknown,
  options: AssignOptions,
): AssignResult {
  let container: Container = root;
  let node = schema;
  let created: PathSegment[] | undefined;
  const path: PathSegment[] = [];
  const fail = (at: number, reason: string, kind: 'key' | 'value' = 'key'): AssignResult => ({
    ok: false,
    failure: { at, resolved: [...path], reason, kind, candidates: keyCandidates(node) },
  });
  for (let i = 0; i < segments.length; i++) {
    const step = stepInto(container, node, segments[i]!, options, path);
    if (typeof step === 'string') return fail(i, step);
    if (Array.isArray(container) && step.key === container.length) created ??= [...path, step.key];
    path.push(step.key);
    const slot = container as Record<PropertyKey, unknown>;
    if (i === segments.length - 1) {
      const converted = convert(value, step.child);
      if (!converted.ok) return fail(i, converted.reason, 'value');
      slot[step.key] = converted.value;
      return { ok: true, path, created };
    }
    let next = slot[step.key];
    if (next === undefined) {
      next = materialize(step.child, segments[i + 1]!);
      slot[step.key] = next;
    } else if (!Array.isArray(next) && !isMapping(next)) {
      return fail(i + 1, `${formatPath(path)} holds ${JSON.stringify(next)}, which has no keys`);
    }
    container = next as Container;
    node = step.child;
  }
  return fail(0, 'an empty key path names nothing');
}

function stepInto(
  container: Container,
  node: Schema,
  segment: string,
  options: AssignOptions,
  path: readonly PathSegment[],
): { key: PathSegment; child: Schema } | string {
  const where = path.length === 0 ? 'the top level' : formatPath(path);
  const branches = alternatives(node);
  if (Array.isArray(container)) {
    const element = branches.map(elementSchema).find((e) => e !== undefined);
    if (element === undefined) return `${where} holds a list where the schema wants ${describeSchema(node)}`;
    if (!/^\d+$/.test(segment)) return `${where} is a list, and "${segment}" is not a list index (0, 1, ...)`;
    const index = Number(segment);
    if (index > container.length) {
      return `index ${index} is past the end of ${where}, which has ${container.length} (use 0..${container.length})`;
    }
    return { key: index, child: element };
  }
  const lower = segment.toLowerCase();
  for (const branch of branches) {
    const keys = objectKeys(branch);
    if (keys === undefined) continue;
    const key =
      keys.find((k) => k === segment) ??
      (options.caseInsensitive ? keys.find((k) => k.toLowerCase() === lower) : undefined);
    if (key !== undefined) return { key, child: fieldSchema(branch, key)! };
  }
  for (const branch of branches) {
    const value = recordValueSchema(branch) ?? (isLooseObject(branch) ? looseValue(branch) : undefined);
    if (value === undefined) continue;
    const existing = Object.keys(container);
    const key =
      existing.find((k) => k === segment) ??
      (options.caseInsensitive ? (existing.find((k) => k.toLowerCase() === lower) ?? lower) : segment);
    return { key, child: value };
  }
  const allowed = branches.flatMap((b) => objectKeys(b) ?? []);
  if (allowed.length === 0) return `${where} takes ${describeSchema(node)}, not keys below it`;
  return `"${segment}" is not a key of ${where} (allowed: ${allowed.join(', ')})`;
}

function looseValue(branch: Schema): Schema {
  return (branch._zod.def as unknown as { catchall: Schema }).catchall;
}

function materialize(child: Schema, nextSegment: string): Container {
  const result = (child as z.ZodType).safeParse(undefined);
  if (result.success && (Array.isArray(result.data) || isMapping(result.data))) {
    return structuredClone(result.data) as Container;
  }
  const wantsList =
    /^\d+$/.test(nextSegment) && alternatives(child).some((b) => elementSchema(b) !== undefined);
  return wantsList ? [] : {};
}

function convert(value: unknown, node: Schema): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof value === 'string') return coerceText(value, node);
  try {
    // A copy, so that the config never shares an object with the caller.
    return { ok: true, value: structuredClone(value) };
  } catch (err) {
    return { ok: false, reason: `the value cannot be copied into a config (${(err as Error).message})` };
  }
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A string from an env variable or a CLI flag as the value the schema wants there: a number
 * where it takes numbers (and "80" is numeric), true/false where it takes booleans, a list or
 * mapping parsed as YAML flow text ("[{kernel: box3}]") where it takes those; else the string.
 * @example coerceText('9000', portSchema) // { ok: true, value: 9000 }
 */
export function coerceText(
  text: string,
  node: Schema,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const kinds = valueKinds(node);
  const trimmed = text.trim();
  if (kinds.has('number') && NUMBER.test(trimmed)) return { ok: true, value: Number(trimmed) };
  if (kinds.has('boolean') && (trimmed === 'true' || trimmed === 'false'))
    return { ok: true, value: trimmed === 'true' };
  if ((kinds.has('object') && trimmed.startsWith('{')) || (kinds.has('array') && trimmed.startsWith('['))) {
    try {
      return { ok: true, value: parse(trimmed) as unknown };
    } catch (err) {
      return { ok: false, reason: `not valid YAML/JSON flow text: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return { ok: true, value: text };
}

function keyCandidates(node: Schema, depth = 4): string[][] {
  const out: string[][] = [];
  if (depth === 0) return out;
  for (const branch of alternatives(node)) {
    for (const key of objectKeys(branch) ?? []) {
      out.push([key]);
      for (const rest of keyCandidates(fieldSchema(branch, key)!, depth - 1)) out.push([key, ...rest]);
    }
    const element = elementSchema(branch);
    if (element !== undefined) for (const rest of keyCandidates(element, depth - 1)) out.push(['0', ...rest]);
  }
  return out;
}

/**
 * The candidate key path closest to what a failed path wrote from the failing segment on,
 * comparing without case or underscores so that EDGECAM_LOG_LEVEL finds log.level.
 * @example closestKeyPath(['LOG_LEVEL'], [['log'], ['log', 'level']]) // ['log', 'level']
 */
export function closestKeyPath(
  written: readonly string[],
  candidates: readonly string[][],
): string[] | undefined {
  const squash = (parts: readonly string[]) => parts.join('').replace(/_/g, '').toLowerCase();
  const target = squash(written);
  let best: string[] | undefined;
  let bestDistance = Math.max(1, Math.floor(target.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(target, squash(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
