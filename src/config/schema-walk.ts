import type * as z from 'zod';

/**
 * Reading the zod schema as data, so that unknown-key suggestions, env variable mapping,
 * "expected ..." phrases and the default.yaml test all follow the schema instead of a copy of it.
 */

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

/** What a raw (env or CLI) string may become where a schema node wants it. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'object' | 'array';

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

function defOf(schema: Schema): Def {
  return schema._zod.def as Def;
}

/**
 * The schema under default/optional/... wrappers.
 * @example unwrap(z.number().default(1)).\_zod.def.type // 'number'
 */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  while (WRAPPERS.has(defOf(current).type)) current = defOf(current).innerType as Schema;
  return current;
}

/**
 * The schema and the schemas inside its default/optional/... wrappers, outermost first.
 * @example wrapperLayers(z.number().default(1)).length // 2: the default and the number
 */
export function wrapperLayers(schema: Schema): Schema[] {
  const layers = [schema];
  for (let current = schema; WRAPPERS.has(defOf(current).type); ) {
    current = defOf(current).innerType as Schema;
    layers.push(current);
  }
  return layers;
}

/**
 * The alternatives a value may take: the branches of a union (flattened), else the node itself.
 * @example alternatives(z.union([z.string(), z.number()])).length // 2
 */
export function alternatives(schema: Schema): Schema[] {
  const node = unwrap(schema);
  const def = defOf(node);
  if (def.type !== 'union') return [node];
  return (def.options as Schema[]).flatMap(alternatives);
}

/**
 * The literal keys of an object schema (a discriminator such as a source's `kind`) with the values
 * each allows; empty for anything else.
 * @example literalKeys(fileSourceSchema) // [['kind', ['file']]]
 */
export function literalKeys(schema: Schema): [string, unknown[]][] {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object') return [];
  return Object.entries(def.shape as Record<string, Schema>).flatMap(([key, field]) => {
    const fieldDef = defOf(unwrap(field));
    return fieldDef.type === 'literal' ? [[key, fieldDef.values as unknown[]] as [string, unknown[]]] : [];
  });
}

/**
 * The alternatives that `value` selects: branches whose literal keys all equal the value's;
 * every alternative when none or several do.
 * @example matchingAlternatives(sourceSchema, { kind: 'synthetic' }) // [the synthetic source's object]
 */
export function matchingAlternatives(schema: Schema, value: unknown): Schema[] {
  const all = alternatives(schema);
  if (all.length < 2 || typeof value !== 'object' || value === null) return all;
  const record = value as Record<string, unknown>;
  const matching = all.filter(
    (branch) =>
      objectKeys(branch) !== undefined &&
      literalKeys(branch).every(([key, values]) => values.includes(record[key])),
  );
  return matching.length === 1 ? matching : all;
}

/** The keys of an object schema (in declaration order), or undefined for anything else. */
export function objectKeys(schema: Schema): string[] | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? Object.keys(def.shape as object) : undefined;
}

/** The schema of key `key` of an object schema, or undefined. */
export function fieldSchema(schema: Schema, key: string): Schema | undefined {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object') return undefined;
  const shape = def.shape as Record<string, Schema>;
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

/** The value schema of a record, or undefined. */
export function recordValueSchema(schema: Schema): Schema | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'record' ? (def.valueType as Schema) : undefined;
}

/** The element schema of an array, or undefined. */
export function elementSchema(schema: Schema): Schema | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'array' ? (def.element as Schema) : undefined;
}

/** True for an object that lets unknown keys through (a camera's `source`). */
export function isLooseObject(schema: Schema): boolean {
  const def = defOf(unwrap(schema));
  return (
    def.type === 'object' && def.catchall !== undefined && defOf(def.catchall as Schema).type !== 'never'
  );
}

/**
 * The schema at a key path, entering the first union branch that has the next key.
 * @example schemaAt(configSchema, ['http', 'port']) // the port's number schema
 */
export function schemaAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    let next: Schema | undefined;
    for (const branch of alternatives(current)) {
      next =
        typeof segment === 'number'
          ? elementSchema(branch)
          : (fieldSchema(branch, String(segment)) ?? recordValueSchema(branch));
      if (next !== undefined) break;
    }
    current = next;
  }
  return current;
}

/**
 * The kinds of value a node accepts, for turning env and CLI strings into numbers and booleans.
 * @example valueKinds(z.union([z.enum(['same']), z.number()])) // Set { 'string', 'number' }
 */
export function valueKinds(schema: Schema): Set<ValueKind> {
  const kinds = new Set<ValueKind>();
  for (const branch of alternatives(schema)) {
    const def = defOf(branch);
    switch (def.type) {
      case 'string':
      case 'enum':
        kinds.add('string');
        break;
      case 'number':
        kinds.add('number');
        break;
      case 'boolean':
        kinds.add('boolean');
        break;
      case 'object':
      case 'record':
        kinds.add('object');
        break;
      case 'array':
        kinds.add('array');
        break;
      case 'literal':
        for (const v of def.values as unknown[]) kinds.add(typeof v === 'number' ? 'number' : 'string');
        break;
      default:
        for (const k of ['string', 'number', 'boolean', 'object', 'array'] as const) kinds.add(k);
    }
  }
  return kinds;
}

/**
 * What a node expects, in words for a maker: "a whole number from 0 to 65535".
 * @example describeSchema(z.enum(['L1', 'L2'])) // 'one of L1, L2'
 */
export function describeSchema(schema: Schema): string {
  let current = schema;
  for (;;) {
    const described = describedAs(current);
    if (described !== undefined) return described;
    if (!WRAPPERS.has(defOf(current).type)) break;
    current = defOf(current).innerType as Schema;
  }
  const def = defOf(current);
  switch (def.type) {
    case 'string':
      return hasCheck(def, 'min_length') ? 'a non-empty string' : 'a string';
    case 'number':
      return describeNumber(def);
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${Object.values(def.entries as object).join(', ')}`;
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ');
    case 'object':
      return `a mapping with keys ${Object.keys(def.shape as object).join(', ')}`;
    case 'record':
      return 'a mapping of names to values';
    case 'array':
      return `a list of ${describeSchema(def.element as Schema).replace(/^(a|an|one of) /, '')}`;
    case 'union':
      return (def.options as Schema[]).map(describeSchema).join(' or ');
    default:
      return 'a value';
  }
}

function describedAs(schema: Schema): string | undefined {
  const description = (schema as { description?: unknown }).description;
  return typeof description === 'string' ? description : undefined;
}

function hasCheck(def: Def, name: string): boolean {
  return ((def.checks as Schema[] | undefined) ?? []).some((c) => defOf(c).check === name);
}

function describeNumber(def: Def): string {
  let whole = false;
  let low: string | undefined;
  let high: string | undefined;
  let lowValue: number | undefined;
  let highValue: number | undefined;
  for (const check of (def.checks as Schema[] | undefined) ?? []) {
    const c = defOf(check);
    if (c.check === 'number_format' && String(c.format).includes('int')) whole = true;
    if (c.check === 'greater_than') {
      lowValue = c.value as number;
      low = c.inclusive ? `>= ${lowValue}` : `> ${lowValue}`;
    }
    if (c.check === 'less_than') {
      highValue = c.value as number;
      high = c.inclusive ? `<= ${highValue}` : `< ${highValue}`;
    }
  }
  const noun = whole ? 'a whole number' : 'a number';
  if (low?.startsWith('>=') && high?.startsWith('<=')) return `${noun} from ${lowValue} to ${highValue}`;
  return [noun, low, high]
    .filter((part) => part !== undefined)
    .join(' ')
    .replace(/ (<)/, ' and $1');
}

/**
 * Every key path a config file can write, with `*` for a record's names and `[]` for list items:
 * `http.port`, `cameras[].source.kind`, `kernels.chains.*[].stride`.
 * @example keyPaths(configSchema).includes('mqtt.broker.port') // true
 */
export function keyPaths(schema: Schema, prefix = ''): string[] {
  const paths: string[] = [];
  for (const branch of alternatives(schema)) {
    const keys = objectKeys(branch);
    if (keys !== undefined) {
      for (const key of keys) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        paths.push(path, ...keyPaths(fieldSchema(branch, key)!, path));
      }
      continue;
    }
    const element = elementSchema(branch);
    if (element !== undefined) paths.push(...keyPaths(element, `${prefix}[]`));
    const value = recordValueSchema(branch);
    if (value !== undefined) paths.push(...keyPaths(value, `${prefix}.*`));
  }
  return [...new Set(paths)];
}
