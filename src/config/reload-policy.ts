import * as z from 'zod';
import {
  alternatives,
  elementSchema,
  fieldSchema,
  objectKeys,
  recordValueSchema,
  wrapperLayers,
} from './schema-walk.js';

/**
 * How a SIGHUP reload applies a change of a config key, declared once next to the key in the
 * schema (`onReload('live', z.number()...)`). The daemon and the camera runtime derive what they
 * keep, apply and restart from these declarations (reload-changes.ts), and a unit test fails when
 * a key declares none. A section that declares a policy covers every key under it; a section that
 * mixes policies leaves it to each of its keys.
 *
 * - `live`: applied in place, from the next frame; nothing restarts.
 * - `camera`: restarts the camera it belongs to (only a camera's keys take it).
 * - `restart`: needs a daemon restart; a reload logs it and keeps the running value.
 */

export const RELOAD_POLICIES = ['live', 'camera', 'restart'] as const;
export type ReloadPolicy = (typeof RELOAD_POLICIES)[number];

type Schema = z.core.$ZodType;

// A registry of its own, not zod's global one: the global one holds the `.describe()` texts that
// become the "expected ..." phrases (schema-walk.ts).
const policies = z.registry<{ reload: ReloadPolicy }>();

/**
 * Declares how a reload applies a change of the key that `schema` is written for; returns `schema`.
 * @example port: onReload('restart', portSchema.default(8080))
 */
export function onReload<S extends Schema>(policy: ReloadPolicy, schema: S): S {
  policies.add(schema, { reload: policy });
  return schema;
}

/**
 * The policy declared on a key's schema (or on a schema inside its default/optional wrappers).
 * @example declaredPolicy(cameraSchema.shape.threshold) // 'live'
 */
export function declaredPolicy(schema: Schema): ReloadPolicy | undefined {
  for (const layer of wrapperLayers(schema)) {
    const declared = policies.get(layer)?.reload;
    if (declared !== undefined) return declared;
  }
  return undefined;
}

/** A key path (as keyPaths writes it: `http.port`, `cameras[].source`) and the policy it declares. */
export interface KeyPolicy {
  readonly path: string;
  /** undefined: the key declares none, and it is not a section whose keys all do. */
  readonly policy: ReloadPolicy | undefined;
}

/**
 * Every key under `schema` that declares a policy, and every key that is left without one (a
 * value that is not a section of keys, with no policy on it or above it).
 * @example keyPolicies(configSchema).filter((k) => k.policy === undefined) // [] when all are declared
 */
export function keyPolicies(schema: Schema): KeyPolicy[] {
  const found: KeyPolicy[] = [];
  walk(schema, '', false, found);
  return found;
}

function walk(schema: Schema, path: string, covered: boolean, found: KeyPolicy[]): void {
  const policy = declaredPolicy(schema);
  if (policy !== undefined) found.push({ path, policy });
  const { section, children } = childrenOf(schema, path);
  // A value of several shapes (a union) declares its policy itself: the reload compares it whole.
  const undeclared = policy === undefined && !covered && !section;
  if (undeclared) found.push({ path, policy: undefined });
  // Below a declaration, only further declarations are looked for (a declaration inside another is a mistake the test reports).
  for (const child of children)
    walk(child.schema, child.path, covered || policy !== undefined || undeclared, found);
}

/** The keys, list items and named entries under a node (of every union branch), and whether it is one plain section. */
function childrenOf(
  schema: Schema,
  path: string,
): { section: boolean; children: { schema: Schema; path: string }[] } {
  const branches = alternatives(schema);
  const children = branches.flatMap((branch) => {
    const keys = objectKeys(branch);
    if (keys !== undefined) {
      return keys.map((key) => ({
        schema: fieldSchema(branch, key)!,
        path: path === '' ? key : `${path}.${key}`,
      }));
    }
    const element = elementSchema(branch);
    if (element !== undefined) return [{ schema: element, path: `${path}[]` }];
    const value = recordValueSchema(branch);
    return value === undefined ? [] : [{ schema: value, path: `${path}.*` }];
  });
  return { section: branches.length === 1 && children.length > 0, children };
}
