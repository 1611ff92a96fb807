import { expect, it } from 'vitest';
import { discoveryMessages } from '../../../src/publish/homeassistant.js';

it("names each entity's id with default_entity_id (<component>.<object>), never object_id, which Home Assistant 2026.4 ignores", () => {
  const messages = discoveryMessages({
    haPrefix: 'homeassistant',
    device: 'Garage-Pi',
    prefix: 'edgecam/pi',
    version: '1.0.0',
    cameras: [{ id: 'front', labels: ['stop'] }],
  });
  expect(messages.size).toBeGreaterThan(5);
  for (const [topic, json] of messages) {
    const component = topic.split('/')[1]!;
    const config = JSON.parse(json) as Record<string, unknown>;
    expect(config).not.toHaveProperty('object_id');
    // An entity id is <domain>.<object>, the object in lower case, digits and "_" only.
    expect(config.default_entity_id).toMatch(new RegExp(`^${component}\\.[a-z0-9_]+$`));
  }
  const fps = JSON.parse(messages.get('homeassistant/sensor/edgecam_Garage-Pi/front_fps/config')!);
  expect(fps.unique_id).toBe('edgecam_Garage-Pi_front_fps');
  expect(fps.default_entity_id).toBe('sensor.edgecam_garage_pi_front_fps');
});

it('gives a camera that detects motion a motion binary_sensor on its retained motion topic, and one that does not none', () => {
  const messages = discoveryMessages({
    haPrefix: 'homeassistant',
    device: 'pi',
    prefix: 'edgecam/pi',
    version: '1.0.0',
    cameras: [
      { id: 'front', labels: [], motion: true },
      { id: 'back', labels: [] },
    ],
  });
  const topic = 'homeassistant/binary_sensor/edgecam_pi/front_motion/config';
  const config = JSON.parse(messages.get(topic)!) as Record<string, unknown>;
  expect(config).toMatchObject({
    device_class: 'motion',
    state_topic: 'edgecam/pi/front/motion',
    payload_on: 'ON',
    payload_off: 'OFF',
    unique_id: 'edgecam_pi_front_motion',
    default_entity_id: 'binary_sensor.edgecam_pi_front_motion',
    availability_topic: 'edgecam/pi/status',
  });
  expect(config).not.toHaveProperty('object_id');
  expect([...messages.keys()].filter((t) => t.includes('motion'))).toEqual([topic]);
});

it('gives each counting line a total sensor per direction it counts, and the camera a reset button', () => {
  const messages = discoveryMessages({
    haPrefix: 'homeassistant',
    device: 'pi',
    prefix: 'edgecam/pi',
    version: '1.0.0',
    cameras: [
      {
        id: 'front',
        labels: ['person'],
        lines: [
          { name: 'door', direction: 'both' },
          { name: 'gate', direction: 'in' },
        ],
      },
      { id: 'back', labels: ['person'] },
    ],
  });
  const config = (object: string, component = 'sensor') =>
    messages.get(`homeassistant/${component}/edgecam_pi/${object}/config`);
  const doorIn = JSON.parse(config('front_door_in')!);
  expect(doorIn).toMatchObject({
    state_topic: 'edgecam/pi/front/counts/door',
    value_template: '{{ value_json.total.in }}',
    json_attributes_topic: 'edgecam/pi/front/counts/door',
    json_attributes_template: '{{ value_json.totals.in | tojson }}',
    state_class: 'total_increasing',
    default_entity_id: 'sensor.edgecam_pi_front_door_in',
  });
  expect(JSON.parse(config('front_door_out')!).value_template).toBe('{{ value_json.total.out }}');
  expect(config('front_gate_in')).toBeDefined();
  expect(config('front_gate_out')).toBeUndefined();
  expect(JSON.parse(config('front_reset_counts', 'button')!)).toMatchObject({
    command_topic: 'edgecam/pi/front/set/reset_counts',
    default_entity_id: 'button.edgecam_pi_front_reset_counts',
  });
  // A camera without lines gets neither.
  expect([...messages.keys()].filter((t) => t.includes('/back_') && /reset|_in\/|_out\//.test(t))).toEqual(
    [],
  );
});

it('keeps the occupancy sensor on while objects of its label are open (an end with a count left)', () => {
  const messages = discoveryMessages({
    haPrefix: 'homeassistant',
    device: 'pi',
    prefix: 'edgecam/pi',
    version: '1.0.0',
    cameras: [{ id: 'front', labels: ['person'] }],
  });
  const occupancy = JSON.parse(
    messages.get('homeassistant/binary_sensor/edgecam_pi/front_person_occupancy/config')!,
  );
  expect(occupancy.value_template).toContain(
    "'OFF' if value_json.type == 'end' and value_json.count == 0 else 'ON'",
  );
});
