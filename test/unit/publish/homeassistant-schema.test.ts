import { describe, expect, it } from 'vitest';
import { discoveryMessages } from '../../../src/publish/homeassistant.js';
import { IMPLEMENTED_RULES, loadSchema, validateDiscovery } from './ha-discovery-validator.js';

// Every discovery message edgecam makes, checked against Home Assistant Core's MQTT discovery
// schemas as committed in test/fixtures/homeassistant/mqtt-discovery-schema.json (nothing is
// downloaded: see the README's "Refreshing the Home Assistant schema").

const schema = loadSchema();

/** Cameras with and without a model (labels), with and without motion, and names that slug badly. */
const messages = discoveryMessages({
  haPrefix: 'homeassistant',
  device: 'Garage.Pi-',
  prefix: 'edgecam/garage-pi',
  version: '1.2.3',
  cameras: [
    { id: 'front', labels: ['stop sign', 'person'], motion: true },
    { id: 'back', labels: [], motion: true },
    { id: 'side-', labels: ['car', 'person (adult)'] },
    { id: 'yard', labels: [] },
  ],
});

const parsed = [...messages].map(([topic, json]) => ({
  topic,
  component: topic.split('/')[1]!,
  config: JSON.parse(json) as Record<string, unknown>,
}));
const one = (component: string, objectEnd: string) => {
  const found = parsed.find((m) => m.component === component && m.topic.endsWith(`${objectEnd}/config`));
  if (found === undefined) throw new Error(`no ${component} ending ${objectEnd}`);
  return found;
};
/** A real message with some keys changed (undefined removes a key), as its topic and JSON. */
const mutated = (component: string, objectEnd: string, change: Record<string, unknown>) => {
  const { topic, config } = one(component, objectEnd);
  const next: Record<string, unknown> = { ...config, ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete next[k];
  return validateDiscovery(schema, topic, JSON.stringify(next));
};

describe("edgecam's discovery messages against Home Assistant's MQTT discovery schema", () => {
  it('are all accepted: no unknown keys, required keys present, values of the right type and enum', () => {
    const problems = parsed.flatMap(({ topic }) =>
      validateDiscovery(schema, topic, messages.get(topic)!).map((p) => `${topic}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('cover every component edgecam uses, each described in the fixture', () => {
    const components = new Set(parsed.map((m) => m.component));
    expect([...components].sort()).toEqual([
      'binary_sensor',
      'button',
      'camera',
      'number',
      'sensor',
      'switch',
    ]);
    for (const c of components) expect(schema.components).toHaveProperty(c);
    // The motion sensors of the two cameras that detect motion, and none for the two that do not.
    expect(parsed.filter((m) => m.config.device_class === 'motion').map((m) => m.topic)).toEqual([
      'homeassistant/binary_sensor/edgecam_Garage_Pi-/front_motion/config',
      'homeassistant/binary_sensor/edgecam_Garage_Pi-/back_motion/config',
    ]);
  });

  it("give each entity its own unique_id and a default_entity_id in its component's domain", () => {
    const uniqueIds = parsed.map((m) => m.config.unique_id);
    const entityIds = parsed.map((m) => m.config.default_entity_id as string);
    expect(new Set(uniqueIds).size).toBe(parsed.length);
    expect(new Set(entityIds).size).toBe(parsed.length);
    for (const m of parsed) {
      expect(m.config).not.toHaveProperty('object_id');
      expect((m.config.default_entity_id as string).split('.')[0]).toBe(m.component);
    }
    // Names ending in "-" or holding "(...)" still give valid entity ids (no "__", no "_" at an end).
    expect(one('sensor', 'side-_person_adult__count').config.default_entity_id).toBe(
      'sensor.edgecam_garage_pi_side_person_adult_count',
    );
  });
});

describe('the validator', () => {
  it('rejects an unknown key, a wrong device_class and an object_id', () => {
    expect(mutated('binary_sensor', 'front_motion', { motion_area: 3 })).toContain(
      'binary_sensor: unknown key motion_area',
    );
    expect(mutated('binary_sensor', 'front_motion', { device_class: 'movement' }).join()).toMatch(
      /device_class: "movement" is not one of/,
    );
    const withObjectId = mutated('sensor', 'front_fps', { object_id: 'front_fps' });
    expect(withObjectId).toContain('sensor: unknown key object_id');
    expect(withObjectId).toContain('sensor: object_id is sent (use default_entity_id)');
  });

  it('rejects a missing required key, a wrong type, a bad enum and a broken rule', () => {
    expect(mutated('camera', 'front_snapshot', { topic: undefined })).toContain(
      'camera: required key topic missing',
    );
    expect(mutated('number', 'front_threshold', { min: 2 })).toContain('number: min is above max');
    expect(mutated('number', 'front_threshold', { step: '0.05' }).join()).toMatch(
      /step: "0.05" is not a number/,
    );
    expect(mutated('sensor', 'front_fps', { state_class: 'average' }).join()).toMatch(
      /state_class: "average"/,
    );
    expect(mutated('sensor', 'front_fps', { options: ['a'] })).toContain(
      'sensor: options needs device_class enum',
    );
    expect(mutated('switch', 'front_enabled', { command_topic: 'edgecam/+/set' }).join()).toMatch(
      /command_topic/,
    );
    // A value the fixture cannot check (no enum copied) is an error, not a pass.
    expect(mutated('sensor', 'front_fps', { device_class: 'duration' }).join()).toMatch(/not in the fixture/);
  });

  it('rejects a bad default_entity_id, device or origin', () => {
    expect(mutated('sensor', 'front_fps', { default_entity_id: 'binary_sensor.front_fps' })).toContain(
      'sensor: default_entity_id binary_sensor.front_fps is not in domain sensor',
    );
    expect(mutated('sensor', 'front_fps', { default_entity_id: 'sensor.front__fps' })).toContain(
      'sensor: default_entity_id sensor.front__fps is not a valid entity id',
    );
    expect(mutated('sensor', 'front_fps', { device: { name: 'x' } })).toContain(
      'sensor: device: needs one of identifiers, connections',
    );
    expect(mutated('sensor', 'front_fps', { device: { identifiers: ['x'], firmware: '1' } })).toContain(
      'sensor: device: unknown key firmware',
    );
    expect(mutated('sensor', 'front_fps', { origin: { sw_version: '1' } })).toContain(
      'sensor: origin: required key name missing',
    );
    expect(
      mutated('sensor', 'front_fps', { availability: [{ topic: 'edgecam/garage-pi/status' }] }).join(),
    ).toMatch(/availability_topic and availability exclude each other/);
  });

  it("implements each cross-key rule the fixture names, and no topic outside a discovery topic's form passes", () => {
    const named = Object.values(schema.components).flatMap((c) => c.rules ?? []);
    expect([...named].sort()).toEqual([...IMPLEMENTED_RULES].sort());
    expect(validateDiscovery(schema, 'homeassistant/sensor/edgecam pi/x/config', '{}')).toEqual([
      'topic homeassistant/sensor/edgecam pi/x/config is not a discovery config topic',
    ]);
    expect(validateDiscovery(schema, 'homeassistant/siren/edgecam_pi/x/config', '{}')).toEqual([
      'component siren is not described in the fixture',
    ]);
  });
});
