import { readFileSync } from 'node:fs';

/**
 * Checks a Home Assistant MQTT discovery message against the committed description of Home
 * Assistant Core's discovery schemas (test/fixtures/homeassistant/mqtt-discovery-schema.json),
 * plus edgecam's own rules: no object_id, a default_entity_id that is a valid entity id in the
 * component's domain. Home Assistant drops unknown keys silently; here they are errors, since a
 * key Home Assistant ignores is a key that does not do what edgecam meant.
 */

type KeySpec =
  | string
  | { enum?: string[]; nullable?: boolean; enumNotCopied?: string; type?: string; minimum?: number };

interface KeyGroup {
  keys: Record<string, KeySpec>;
  required?: string[];
  exclusive?: string[][];
  oneOfRequired?: string[];
  rules?: string[];
}

export interface HaDiscoverySchema {
  discoveryTopic: { pattern: string };
  entityId: { pattern: string };
  types: Record<string, string>;
  groups: Record<string, KeyGroup>;
  device: KeyGroup;
  origin: KeyGroup;
  components: Record<string, KeyGroup & { groups: string[] }>;
}

export const SCHEMA_FILE = new URL(
  '../../fixtures/homeassistant/mqtt-discovery-schema.json',
  import.meta.url,
);

export function loadSchema(): HaDiscoverySchema {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as HaDiscoverySchema;
}

/** The cross-key rules the fixture names, each as code; a rule the fixture adds fails until it is here. */
const RULES: Record<string, (config: Record<string, unknown>) => string | undefined> = {
  'last_reset_value_template only with state_class total': (c) =>
    'last_reset_value_template' in c && c.state_class !== 'total'
      ? 'last_reset_value_template needs state_class total'
      : undefined,
  'options only with device_class enum, and never with state_class or unit_of_measurement': (c) => {
    if (!('options' in c)) return undefined;
    if (c.device_class !== 'enum') return 'options needs device_class enum';
    return c.state_class != null || c.unit_of_measurement != null
      ? 'options cannot go with state_class or unit_of_measurement'
      : undefined;
  },
  'min <= max': (c) =>
    typeof c.min === 'number' && typeof c.max === 'number' && c.min > c.max ? 'min is above max' : undefined,
  'the payload on topic is the image itself (raw bytes, or base64 with image_encoding b64)': () => undefined,
};
export const IMPLEMENTED_RULES = Object.keys(RULES);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
/** cv.ensure_list takes one value as a list of one. */
const isStringList = (v: unknown) => isString(v) || (Array.isArray(v) && v.every(isString));

function subscribeTopicOk(v: unknown): boolean {
  if (!isString(v) || v === '' || v.includes('\0')) return false;
  const levels = v.split('/');
  return levels.every(
    (l, i) => (!l.includes('+') || l === '+') && (!l.includes('#') || (l === '#' && i === levels.length - 1)),
  );
}

/** Problems of one value against its declared type ([] when it fits). */
function checkValue(schema: HaDiscoverySchema, key: string, spec: KeySpec, v: unknown): string[] {
  if (typeof spec !== 'string') {
    if (spec.enumNotCopied !== undefined)
      return [`${key}: its values are not in the fixture (${spec.enumNotCopied})`];
    if (spec.enum !== undefined) {
      if (v === null && spec.nullable === true) return [];
      return isString(v) && spec.enum.includes(v)
        ? []
        : [`${key}: ${JSON.stringify(v)} is not one of ${spec.enum.join(', ')}`];
    }
    if (spec.type === 'number') {
      const ok =
        typeof v === 'number' && Number.isFinite(v) && v >= (spec.minimum ?? Number.NEGATIVE_INFINITY);
      return ok ? [] : [`${key}: ${JSON.stringify(v)} is not a number >= ${spec.minimum}`];
    }
    return [`${key}: the fixture's spec ${JSON.stringify(spec)} is not understood`];
  }
  const bad = [`${key}: ${JSON.stringify(v)} is not ${schema.types[spec] ?? spec}`];
  switch (spec) {
    case 'string':
      return isString(v) ? [] : bad;
    case 'nullableString':
      return isString(v) || v === null ? [] : bad;
    case 'template':
      return isString(v) && v !== '' ? [] : bad;
    case 'subscribeTopic':
      return subscribeTopicOk(v) ? [] : bad;
    case 'publishTopic':
      return isString(v) && v !== '' && !/[+#\0]/.test(v) ? [] : bad;
    case 'boolean':
      return typeof v === 'boolean' ? [] : bad;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? [] : bad;
    case 'positiveInt':
    case 'messageExpiryInterval':
      return Number.isInteger(v) && (v as number) >= 0 ? [] : bad;
    case 'qos':
      return v === 0 || v === 1 || v === 2 ? [] : bad;
    case 'stringList':
      return isStringList(v) ? [] : bad;
    case 'connectionList':
      return Array.isArray(v) && v.every((c) => Array.isArray(c) && c.length === 2 && c.every(isString))
        ? []
        : bad;
    case 'url':
      return isString(v) && /^https?:\/\/[^\s/]+/.test(v) ? [] : bad;
    case 'icon':
      return isString(v) && /^[^:\s]+:[^:\s]+$/.test(v) ? [] : bad;
    case 'availabilityList':
      return Array.isArray(v) && v.every((a) => isObject(a) && subscribeTopicOk(a.topic)) ? [] : bad;
    case 'device':
      return isObject(v) ? checkKeys(schema, 'device', [schema.device], v) : bad;
    case 'origin':
      return isObject(v) ? checkKeys(schema, 'origin', [schema.origin], v) : bad;
    default:
      return [`${key}: type ${spec} is not understood`];
  }
}

/** Unknown keys, bad values, missing required keys, exclusive pairs and rules of `config` against `groups`. */
function checkKeys(
  schema: HaDiscoverySchema,
  where: string,
  groups: KeyGroup[],
  config: Record<string, unknown>,
) {
  const problems: string[] = [];
  const keys: Record<string, KeySpec> = Object.assign({}, ...groups.map((g) => g.keys));
  for (const [key, value] of Object.entries(config)) {
    const spec = keys[key];
    if (spec === undefined) problems.push(`${where}: unknown key ${key}`);
    else problems.push(...checkValue(schema, key, spec, value).map((p) => `${where}: ${p}`));
  }
  for (const g of groups) {
    for (const key of g.required ?? [])
      if (!(key in config)) problems.push(`${where}: required key ${key} missing`);
    for (const pair of g.exclusive ?? []) {
      if (pair.filter((k) => k in config).length > 1)
        problems.push(`${where}: ${pair.join(' and ')} exclude each other`);
    }
    const oneOf = g.oneOfRequired ?? [];
    const present = oneOf.some((k) =>
      Array.isArray(config[k]) ? (config[k] as unknown[]).length > 0 : isString(config[k]),
    );
    if (oneOf.length > 0 && !present) problems.push(`${where}: needs one of ${oneOf.join(', ')}`);
    for (const rule of g.rules ?? []) {
      const check = RULES[rule];
      const problem = check === undefined ? `rule "${rule}" has no check in the validator` : check(config);
      if (problem !== undefined) problems.push(`${where}: ${problem}`);
    }
  }
  return problems;
}

/**
 * Every problem of one discovery message ([] when Home Assistant's schema and edgecam's rules accept it).
 * @example validateDiscovery(loadSchema(), 'homeassistant/sensor/edgecam_pi/front_fps/config', json) // []
 */
export function validateDiscovery(
  schema: HaDiscoverySchema,
  topic: string,
  payload: string,
  prefix = 'homeassistant',
): string[] {
  const rest = topic.startsWith(`${prefix}/`) ? topic.slice(prefix.length + 1) : '';
  const match = new RegExp(schema.discoveryTopic.pattern).exec(rest);
  if (match?.groups === undefined) return [`topic ${topic} is not a discovery config topic`];
  const component = match.groups.component!;
  const spec = schema.components[component];
  if (spec === undefined) return [`component ${component} is not described in the fixture`];
  let config: unknown;
  try {
    config = JSON.parse(payload);
  } catch {
    return [`${component}: payload is not JSON`];
  }
  if (!isObject(config)) return [`${component}: payload is not a JSON object`];
  const groups = [...spec.groups.map((g) => schema.groups[g]!), spec];
  const problems = checkKeys(schema, component, groups, config);
  // edgecam's own rules: Home Assistant 2026.4 ignores object_id; default_entity_id names the entity.
  if ('object_id' in config) problems.push(`${component}: object_id is sent (use default_entity_id)`);
  const id = config.default_entity_id;
  if (!isString(id)) problems.push(`${component}: default_entity_id missing`);
  else {
    if (!new RegExp(schema.entityId.pattern).test(id))
      problems.push(`${component}: default_entity_id ${id} is not a valid entity id`);
    if (!id.startsWith(`${component}.`))
      problems.push(`${component}: default_entity_id ${id} is not in domain ${component}`);
  }
  if (!isString(config.unique_id)) problems.push(`${component}: unique_id missing`);
  return problems;
}
