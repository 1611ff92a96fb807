import type * as z from 'zod';
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

/** Where an issue points: its full key path, the schema and the value there, and the problems so far. */
interface IssueSite {
  readonly segments: PathSegment[];
  readonly node: Schema | undefined;
  readonly value: unknown;
  readonly out: PathProblem[];
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
    convertIssue(issue, {
      segments: [...prefix, ...rel],
      node: schemaAt(schema, rel),
      value: valueAt(input, rel),
      out,
    });
  }
}

function push(site: IssueSite, message: string, fix: string, at = site.segments, value = site.value): void {
  site.out.push({ segments: at, value, message, fix });
}

function convertIssue(issue: Issue, site: IssueSite): void {
  switch (issue.code) {
    case 'unrecognized_keys':
      unknownKeys(issue.keys, site);
      break;
    case 'invalid_type':
      wrongType(issue.expected, site);
      break;
    case 'too_big':
    case 'too_small': {
      const expected = site.node === undefined ? issue.message : describeSchema(site.node);
      if (issue.code === 'too_small' && issue.origin === 'string')
        push(site, 'must not be empty', `write ${expected}`);
      else
        push(
          site,
          `out of range: expected ${expected}`,
          `use ${expected}${example(site.node, site.segments)}`,
        );
      break;
    }
    case 'invalid_value':
      notOneOf(issue.values.map(String), site);
      break;
    case 'invalid_key':
      push(
        site,
        'not a usable name',
        'names use letters, digits, "-" and "_", and start with a letter or digit (they appear in env variable names and logs)',
      );
      break;
    case 'invalid_union': {
      // A discriminated union (a camera's source) names the values its discriminator takes.
      const { options } = issue as { options?: unknown };
      if ('discriminator' in issue && Array.isArray(options)) {
        if (site.value === undefined)
          push(site, 'required key is missing', `use one of ${options.map(String).join(', ')}`);
        else notOneOf(options.map(String), site);
      } else convertUnion(issue, site);
      break;
    }
    case 'custom': {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      push(
        site,
        issue.message,
        typeof fix === 'string' ? fix : 'see config/default.yaml for what this key takes',
      );
      break;
    }
    default:
      push(site, issue.message, 'see config/default.yaml for what this key takes');
  }
}

/** Keys the schema does not have, each with a did-you-mean among those allowed here. */
function unknownKeys(keys: readonly string[], site: IssueSite): void {
  const { node, value, segments } = site;
  // A discriminated union (a camera's source) allows the keys of the branch its kind selects.
  const allowed =
    node === undefined
      ? []
      : [...new Set(matchingAlternatives(node, value).flatMap((b) => objectKeys(b) ?? []))];
  for (const key of keys) {
    const suggestion = didYouMean(key, allowed);
    push(
      site,
      'unknown key',
      suggestion === undefined
        ? `remove it${belongsTo(node, key)}; the keys allowed here are ${allowed.join(', ')}`
        : `did you mean "${suggestion}"?`,
      [...segments, key],
      valueAt(value, [key]),
    );
  }
}

/** A value of the wrong type, or a required key left out. */
function wrongType(expectedType: string, site: IssueSite): void {
  const { node, value, segments } = site;
  const described = node === undefined ? `a ${expectedType}` : describeSchema(node);
  // YAML's .inf and .nan are numbers to the parser: what is wrong with them is that they are not finite.
  const expected =
    typeof value === 'number' && !Number.isFinite(value)
      ? described.replace(/^a number\b/, 'a finite number')
      : described;
  const key = segments[segments.length - 1];
  if (value === undefined) push(site, 'required key is missing', `add ${String(key)}: ${expected}`);
  else
    push(
      site,
      `expected ${expected}, received ${describeValue(value)}`,
      typeFix(expectedType, value, expected, node, segments),
    );
}

/** A value outside a fixed set of words, with a did-you-mean. */
function notOneOf(allowed: string[], site: IssueSite): void {
  const suggestion = typeof site.value === 'string' ? didYouMean(site.value, allowed) : undefined;
  push(
    site,
    `not one of ${allowed.join(', ')}`,
    suggestion === undefined ? `use one of ${allowed.join(', ')}` : `did you mean "${suggestion}"?`,
  );
}

function convertUnion(issue: z.core.$ZodIssueInvalidUnion, site: IssueSite) {
  const { node, value, segments, out } = site;
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
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN (not a number)' : String(value);
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
