import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

/** The payload JSON Schemas (src/publish/schemas), compiled once for the tests. */
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
// "format": "date-time" is documentation here; the ISO string is checked against ts in the tests.
ajv.addFormat('date-time', true);

export type PayloadName =
  | 'detections'
  | 'classification'
  | 'event'
  | 'state'
  | 'health'
  | 'motion'
  | 'count'
  | 'counts';

const validators = new Map(
  (['detections', 'classification', 'event', 'state', 'health', 'motion', 'count', 'counts'] as const).map(
    (name) => {
      const file = new URL(`../../../src/publish/schemas/${name}.schema.json`, import.meta.url);
      return [name, ajv.compile(JSON.parse(readFileSync(file, 'utf8')))];
    },
  ),
);

/** Validation errors of `payload` against the named schema ([] when valid). */
export function schemaErrors(name: PayloadName, payload: unknown): string[] {
  const validate = validators.get(name)!;
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
