import type { z } from 'zod';
import { didYouMean } from '../suggest.js';
import { isMapping, type PathSegment, valueAt } from './key-path.js';
import {
  alternatives,
  describeSchema,
  elementSchema,
  literalKeys,
  matchingAlternatives,
  objectKeys,
  schemaAt,
  unwrap,
} from './schema-walk.js';

/**
 * zod's issues rewritten as a maker's problems: what is wrong in words, and a fix (a
 * did-you-mean where one is close). Union failures are narrowed to the alternative the
 * value was evidently meant as, so `{ kernel: box3, stide: 2 }` reports the unknown key
 * `stide`, not "matches neither a kernel step nor an edge step".
 */

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

/** A problem located by key path; load.ts adds the file position or the env variable. */
export interface PathProblem {
  readonly segments: PathSegment[];
  readonly value: unknown;
  readonly message: string;
  readonly fix: string;
}

/**
 * Converts zod issues for `input` (validated against `schema`) into problems.
 * @example issuesToProblems(configSchema.safeParse(raw).error.issues, configSchema, raw)
 */
export function issuesToProblems(issues: readonly Issue[], schema: Schema, input: unknown): PathProblem[] {
  const out: PathProblem[] = [];
  convert(issues, schema, input, [], out);
  return out;
}

function convert(
  issues: readonly Issue[],
  schema: Schema,
  input: unknown,
  prefix: PathSegment[],
  out: PathProblem[],
) {
  for (const issue of issues) {
    const rel = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    const segments = [...prefix, ...rel];
    const node = schemaAt(schema, rel);
    const value = valueAt(input, rel);
    const push = (message: string, fix: string, at = segments, v = value) =>
      out.push({ segments: at, value: v, message, fix });
    switch (issue.code) {
      case 'unrecognized_keys': {
        // A discriminated union (a camera's source) allows the keys of the branch its kind selects.
        const allowed =
          node === undefined
            ? []
            : [...new Set(matchingAlternatives(node, value).flatMap((b) => objectKeys(b) ?? []))];
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, allowed);
          push(
            'unknown key',
            suggestion === undefined
              ? `remove it${belongsTo(node, key)}; the keys allowed here are ${allowed.join(', ')}`
              : `did you mean "${suggestion}"?`,
            [...segments, key],
            valueAt(value, [key]),
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = node === undefined ? `a ${issue.expected}` : describeSchema(node);
        const key = segments[segments.length - 1];
        if (value === undefined) push('required key is missing', `add ${String(key)}: ${expected}`);
        else
          push(
            `expected ${expected}, received ${describeValue(value)}`,
            typeFix(issue.expected, value, expected, node, segments),
          );
        break;
      }
      case 'too_big':
      case 'too_small': {
        const expected = node === undefined ? issue.message : describeSchema(node);
        if (issue.code === 'too_small' && issue.origin === 'string')
          push('must not be empty', `write ${expected}`);
        else push(`out of range: expected ${expected}`, `use ${expected}${example(node, segments)}`);
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
        push(
          `not one of ${allowed.join(', ')}`,
          suggestion === undefined ? `use one of ${allowed.join(', ')}` : `did you mean "${suggestion}"?`,
        );
        break;
      }
      case 'invalid_key':
        push(
          'not a usable name',
          'names use letters, digits, "-" and "_", and start with a letter or digit (they appear in env variable names and logs)',
        );
        break;
      case 'invalid_union': {
        // A discriminated union (a camera's source) names the values its discriminator takes.
        const { options } = issue as { options?: unknown };
        if ('discriminator' in issue && Array.isArray(options)) {
          const allowed = options.map(String);
          const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
          push(
            value === undefined ? 'required key is missing' : `not one of ${allowed.join(', ')}`,
            suggestion === undefined ? `use one of ${allowed.join(', ')}` : `did you mean "${suggestion}"?`,
          );
        } else convertUnion(issue, node, value, segments, out);
        break;
      }
      case 'custom': {
        const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
        push(
          issue.message,
          typeof fix === 'string' ? fix : 'see config/default.yaml for what this key takes',
        );
        break;
      }
      default:
        push(issue.message, 'see config/default.yaml for what this key takes');
    }
  }
}

function convertUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  node: Schema | undefined,
  value: unknown,
  segments: PathSegment[],
  out: PathProblem[],
) {
  const options = node === undefined ? [] : ((unwrap(node)._zod.def as { options?: Schema[] }).options ?? []);
  const pick = pickAlternative(options, issue.errors, value);
  if (pick !== undefined) {
    convert(issue.errors[pick]!, options[pick]!, value, segments, out);
    return;
  }
  const expected = node === undefined ? 'another kind of value' : describeSchema(node);
  const words = node === undefined ? [] : enumWords(node);
  const suggestion = typeof value === 'string' ? didYouMean(value, words) : undefined;
  out.push({
    segments,
    value,
    message: `expected ${expected}, received ${describeValue(value)}`,
    fix: suggestion === undefined ? `write ${expected}` : `did you mean "${suggestion}"?`,
  });
}

/**
 * Which alternative of a union a value was meant as: the list one for a list; for a mapping,
 * the object alternative that knows most of its keys (fewest issues on a tie). Scalars get one
 * message for the whole union ("valid, same, full or a whole number"), so none is picked.
 */
function pickAlternative(
  options: Schema[],
  errors: readonly (readonly Issue[])[],
  value: unknown,
): number | undefined {
  if (Array.isArray(value)) {
    const index = options.findIndex((o) => elementSchema(o) !== undefined);
    return index < 0 ? undefined : index;
  }
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  let best: number | undefined;
  let bestScore = -1;
  let bestIssues = Number.POSITIVE_INFINITY;
  options.forEach((option, i) => {
    const known = objectKeys(option);
    const branchErrors = errors[i] ?? [];
    if (known === undefined || branchErrors.some((e) => e.path.length === 0 && e.code === 'invalid_type'))
      return;
    const score = keys.filter((k) => known.includes(k)).length;
    if (score > bestScore || (score === bestScore && branchErrors.length < bestIssues)) {
      best = i;
      bestScore = score;
      bestIssues = branchErrors.length;
    }
  });
  return best;
}

function enumWords(node: Schema): string[] {
  return alternatives(node).flatMap((b) => {
    const def = b._zod.def as { type: string; entries?: object };
    return def.type === 'enum' && def.entries !== undefined ? Object.values(def.entries).map(String) : [];
  });
}

function typeFix(
  expectedType: string,
  value: unknown,
  expected: string,
  node: Schema | undefined,
  segments: PathSegment[],
): string {
  if (expectedType === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `quote it: "${String(value)}"`;
  }
  if (
    expectedType === 'number' &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    !Number.isNaN(Number(value))
  ) {
    return `remove the quotes: ${value.trim()}`;
  }
  return `write ${expected}${example(node, segments)}`;
}

function example(node: Schema | undefined, segments: PathSegment[]): string {
  if (node === undefined) return '';
  const result = (node as z.ZodType).safeParse(undefined);
  if (!result.success || result.data === undefined || typeof result.data === 'object') return '';
  const key = segments[segments.length - 1];
  return typeof key === 'string' ? `, e.g. ${key}: ${String(result.data)}` : '';
}

/**
 * A value's kind in words, for "expected X, received Y".
 * @example describeValue('80') // 'a string'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

/** " (pace belongs to kind: file)" when other branches of `node` have `key`; else "". */
function belongsTo(node: Schema | undefined, key: string): string {
  if (node === undefined) return '';
  const owners = alternatives(node)
    .filter((b) => objectKeys(b)?.includes(key))
    .map((b) => literalKeys(b).map(([k, values]) => `${k}: ${values.join(' or ')}`))
    .filter((named) => named.length > 0)
    .map((named) => named.join(', '));
  return owners.length > 0 ? ` (${key} belongs to ${owners.join('; ')})` : '';
}
