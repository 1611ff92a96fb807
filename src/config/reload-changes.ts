import type * as z from 'zod';
import { deepFreeze } from './freeze.js';
import { isMapping } from './key-path.js';
import { declaredPolicy, type ReloadPolicy } from './reload-policy.js';
import { type CameraConfig, type Config, cameraSchema, configSchema } from './schema.js';
import { elementSchema, fieldSchema, objectKeys, recordValueSchema } from './schema-walk.js';

/**
 * What a reload changes, read from the policies the schema declares (reload-policy.ts): which keys
 * changed and how each applies, and the config the running daemon takes on (the new one, with the
 * keys that need a restart kept as they run). List items are matched by their `id`, as the daemon
 * matches cameras, so reordering cameras changes nothing.
 */

type Schema = z.core.$ZodType;

/** A changed key (`mqtt.url`, `cameras[front].threshold`) and how a reload applies it. */
export interface ConfigChange {
  readonly path: string;
  readonly policy: ReloadPolicy;
}

/**
 * Every key whose value differs between two validated configs, with its declared policy.
 * @example configChanges(running, reloaded) // [{ path: 'http.port', policy: 'restart' }]
 */
export function configChanges(before: Config, after: Config): ConfigChange[] {
  return changesUnder(configSchema, before, after, '');
}

/**
 * Every key of a camera whose value differs between two of its configs, with its declared policy.
 * @example cameraChanges(old, updated) // [{ path: 'source', policy: 'camera' }]
 */
export function cameraChanges(before: CameraConfig, after: CameraConfig): ConfigChange[] {
  return changesUnder(cameraSchema, before, after, '');
}

/**
 * The config a reload applies: `after`, with every changed key whose policy is `restart` kept as
 * in `before` (it applies at the next start), deep-frozen.
 * @example reloadedConfig(running, fromFile).http === running.http // when only http.port changed
 */
export function reloadedConfig(before: Config, after: Config): Config {
  return deepFreeze(kept(configSchema, before, after) as Config);
}

function changesUnder(schema: Schema, before: unknown, after: unknown, path: string): ConfigChange[] {
  if (same(before, after)) return [];
  const policy = declaredPolicy(schema);
  if (policy !== undefined) return [{ path, policy }];
  const pairs = pairsOf(schema, before, after, path);
  // A key without a policy (the schema's unit test rules it out) is treated as needing a restart:
  // never applied half-way.
  if (pairs === undefined) return [{ path, policy: 'restart' }];
  return pairs.flatMap((p) =>
    // A list item only one side has is a camera added or removed: it starts or stops.
    p.item && (p.before === undefined || p.after === undefined)
      ? [{ path: p.path, policy: 'camera' as const }]
      : changesUnder(p.schema, p.before, p.after, p.path),
  );
}

function kept(schema: Schema, before: unknown, after: unknown): unknown {
  if (same(before, after)) return after;
  const policy = declaredPolicy(schema);
  if (policy !== undefined) return policy === 'restart' ? before : after;
  const pairs = pairsOf(schema, before, after, '');
  if (pairs === undefined) return before;
  if (Array.isArray(after)) {
    // A removed item (a camera taken out) is gone; an added one is taken whole.
    return pairs
      .filter((p) => p.after !== undefined)
      .map((p) => (p.before === undefined ? p.after : kept(p.schema, p.before, p.after)));
  }
  const entries = pairs.map((p) => [p.key, kept(p.schema, p.before, p.after)] as const);
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** One key (or list item) of a section, in both configs. */
interface Pair {
  readonly key: string;
  readonly path: string;
  readonly schema: Schema;
  readonly before: unknown;
  readonly after: unknown;
  /** A list item (matched by id), not a key. */
  readonly item: boolean;
}

/** The keys (or list items) of a section that declares no policy, paired up; undefined when it is not a section. */
function pairsOf(schema: Schema, before: unknown, after: unknown, path: string): Pair[] | undefined {
  const element = elementSchema(schema);
  if (element !== undefined && Array.isArray(before) && Array.isArray(after)) {
    return itemPairs(element, before, after, path);
  }
  const keys = objectKeys(schema);
  const value = recordValueSchema(schema);
  if ((keys === undefined && value === undefined) || !isMapping(before) || !isMapping(after))
    return undefined;
  const names = keys ?? [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.map((name) => ({
    key: name,
    path: path === '' ? name : `${path}.${name}`,
    schema: value ?? fieldSchema(schema, name)!,
    before: before[name],
    after: after[name],
    item: false,
  }));
}

/** The items of two lists matched by id (by position for items without one): the new list's order, then removed items. */
function itemPairs(
  element: Schema,
  before: readonly unknown[],
  after: readonly unknown[],
  path: string,
): Pair[] {
  const beforeByKey = new Map(before.map((item, index) => [itemKey(item, index), item]));
  const afterKeys = new Set(after.map(itemKey));
  const pairs = after.map((item, index) => {
    const key = itemKey(item, index);
    return {
      key,
      path: `${path}[${key}]`,
      schema: element,
      before: beforeByKey.get(key),
      after: item,
      item: true,
    };
  });
  const removed = before
    .map((item, index) => ({ item, key: itemKey(item, index) }))
    .filter(({ key }) => !afterKeys.has(key))
    .map(({ item, key }) => ({
      key,
      path: `${path}[${key}]`,
      schema: element,
      before: item,
      after: undefined,
      item: true,
    }));
  return [...pairs, ...removed];
}

function itemKey(item: unknown, index: number): string {
  return isMapping(item) && typeof item.id === 'string' ? item.id : String(index);
}

function same(before: unknown, after: unknown): boolean {
  return before === after || JSON.stringify(before) === JSON.stringify(after);
}
