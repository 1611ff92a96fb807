import { expect, it } from 'vitest';
import { discoveryMessages } from '../../../src/publish/homeassistant.js';

it("names each entity's id with default_entity_id (<component>.<id>), never object_id, which Home Assistant 2026.4 ignores", () => {
  const messages = discoveryMessages({
    haPrefix: 'homeassistant',
    device: 'pi',
    prefix: 'edgecam/pi',
    version: '1.0.0',
    cameras: [{ id: 'front', labels: ['stop'] }],
  });
  expect(messages.size).toBeGreaterThan(5);
  for (const [topic, json] of messages) {
    const component = topic.split('/')[1]!;
    const config = JSON.parse(json) as Record<string, unknown>;
    expect(config).not.toHaveProperty('object_id');
    expect(config.default_entity_id).toBe(`${component}.${String(config.unique_id)}`);
  }
  const fps = JSON.parse(messages.get('homeassistant/sensor/edgecam_pi/front_fps/config')!);
  expect(fps.default_entity_id).toBe('sensor.edgecam_pi_front_fps');
});
