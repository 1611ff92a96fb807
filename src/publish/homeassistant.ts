import { type CameraTopics, cameraTopics, deviceTopics } from './topics.js';

/**
 * Home Assistant MQTT discovery: retained config messages under `<haPrefix>/<component>/<node>/<object>/config`
 * that make edgecam appear as one device with, per camera, a camera entity for the snapshot and one
 * for the edge map, a motion binary sensor (when the camera detects motion), a count sensor and an
 * occupancy binary sensor per label, fps and inference-time sensors, a switch, number and button
 * for the command topics, and per counting line a total sensor per direction it counts with a
 * button that resets the totals. Availability follows the
 * retained status topic. discovery-publisher.ts publishes them and removes those that went away.
 */

export interface DiscoveryInput {
  readonly haPrefix: string;
  readonly device: string;
  /** edgecam's topic prefix. */
  readonly prefix: string;
  readonly version: string;
  readonly cameras: readonly DiscoveryCamera[];
}

/** A camera's part in discovery: its labels, whether it detects motion, its counting lines. */
export interface DiscoveryCamera {
  readonly id: string;
  readonly labels: readonly string[];
  /** Whether the camera detects motion (a motion binary sensor). */
  readonly motion?: boolean;
  /** Its counting lines, and which directions each counts (none: no line entities). */
  readonly lines?: readonly CountedLine[];
}

/** A counting line as discovery sees it. */
export interface CountedLine {
  readonly name: string;
  readonly direction: 'both' | 'in' | 'out';
}

/** Home Assistant ids take letters, digits, "_" and "-". */
const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '_');
/**
 * An entity id's object part: lower-case letters, digits and single "_", none at either end (Home
 * Assistant's VALID_ENTITY_ID rejects "__" and edge "_", which a device or label ending in "-" or ")" gave).
 */
const entitySlug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** Adds one entity's config: its component (sensor, switch, ...), object id and fields. */
type AddEntity = (component: string, object: string, config: Record<string, unknown>) => void;

/**
 * Every discovery topic with its config JSON.
 * @example discoveryMessages({ haPrefix: 'homeassistant', device: 'pi', prefix: 'edgecam/pi', version: '0.1.0', cameras: [{ id: 'front', labels: ['stop'] }] })
 */
export function discoveryMessages(input: DiscoveryInput): Map<string, string> {
  const { haPrefix, device, prefix } = input;
  const node = `edgecam_${slug(device)}`;
  const common = deviceFields(input, node);
  const out = new Map<string, string>();
  const add: AddEntity = (component, object, config) => {
    const id = `${node}_${slug(object)}`;
    out.set(
      `${haPrefix}/${component}/${node}/${slug(object)}/config`,
      JSON.stringify({
        ...config,
        unique_id: id,
        default_entity_id: `${component}.${entitySlug(id)}`,
        ...common,
      }),
    );
  };
  for (const camera of input.cameras) {
    const topics = cameraTopics(prefix, camera.id);
    addCameraEntities(add, camera.id, topics, deviceTopics(prefix).health);
    if (camera.motion === true) {
      add('binary_sensor', `${camera.id}_motion`, {
        name: `${camera.id} motion`,
        state_topic: topics.motion,
        value_template: "{{ 'ON' if value_json.state == 'on' else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
        device_class: 'motion',
        json_attributes_topic: topics.motion,
        json_attributes_template: '{{ {"share": value_json.share, "regions": value_json.regions} | tojson }}',
      });
    }
    for (const label of camera.labels) addLabelEntities(add, camera.id, label, topics);
    const lines = camera.lines ?? [];
    for (const line of lines) addLineEntities(add, camera.id, line, topics);
    if (lines.length > 0) {
      add('button', `${camera.id}_reset_counts`, {
        name: `${camera.id} reset counts`,
        command_topic: `${topics.setPrefix}reset_counts`,
        payload_press: 'PRESS',
      });
    }
  }
  return out;
}

/** What every entity repeats: availability (the retained status topic) and the device it belongs to. */
function deviceFields(input: DiscoveryInput, node: string): Record<string, unknown> {
  const { device, version } = input;
  return {
    availability_topic: deviceTopics(input.prefix).status,
    payload_available: 'online',
    payload_not_available: 'offline',
    device: {
      identifiers: [node],
      name: `edgecam ${device}`,
      manufacturer: 'edgecam',
      model: 'edgecam vision sensor',
      sw_version: version,
    },
    origin: { name: 'edgecam', sw_version: version },
  };
}

/** A camera's entities: snapshot and edge map, fps and inference time, and its three commands. */
function addCameraEntities(add: AddEntity, id: string, t: CameraTopics, health: string): void {
  const cam = JSON.stringify(id);
  add('camera', `${id}_snapshot`, { name: `${id} snapshot`, topic: t.snapshot });
  add('camera', `${id}_edges`, { name: `${id} edges`, topic: t.edges });
  add('sensor', `${id}_fps`, {
    name: `${id} fps`,
    state_topic: health,
    value_template: `{{ value_json.cameras[${cam}].fps }}`,
    unit_of_measurement: 'fps',
    state_class: 'measurement',
  });
  add('sensor', `${id}_inference_ms`, {
    name: `${id} inference time`,
    state_topic: health,
    value_template: `{{ value_json.cameras[${cam}].inferenceMs }}`,
    unit_of_measurement: 'ms',
    state_class: 'measurement',
  });
  add('switch', `${id}_enabled`, {
    name: `${id} enabled`,
    command_topic: `${t.setPrefix}enabled`,
    state_topic: t.state,
    value_template: "{{ 'ON' if value_json.enabled else 'OFF' }}",
    payload_on: 'ON',
    payload_off: 'OFF',
  });
  add('number', `${id}_threshold`, {
    name: `${id} threshold`,
    command_topic: `${t.setPrefix}threshold`,
    state_topic: t.state,
    value_template: '{{ value_json.threshold }}',
    min: 0,
    max: 1,
    step: 0.05,
  });
  add('button', `${id}_snapshot_now`, {
    name: `${id} take snapshot`,
    command_topic: `${t.setPrefix}snapshot`,
    payload_press: 'PRESS',
  });
}

/** A label's entities on one camera: its count and an occupancy binary sensor. */
function addLabelEntities(add: AddEntity, id: string, label: string, t: CameraTopics): void {
  const quoted = JSON.stringify(label);
  add('sensor', `${id}_${label}_count`, {
    name: `${id} ${label} count`,
    state_topic: t.detections,
    value_template: `{{ value_json.counts.get(${quoted}, 0) }}`,
    state_class: 'measurement',
  });
  // Events of other labels render as "" and Home Assistant ignores them. An end turns it off only
  // when nothing of the label is left open (a label's end has count 0; an object's, the others open).
  add('binary_sensor', `${id}_${label}_occupancy`, {
    name: `${id} ${label}`,
    state_topic: t.events,
    value_template: `{% if value_json.label == ${quoted} %}{{ 'OFF' if value_json.type == 'end' and value_json.count == 0 else 'ON' }}{% endif %}`,
    payload_on: 'ON',
    payload_off: 'OFF',
    device_class: 'occupancy',
  });
}

/**
 * A counting line's totals: one sensor per direction it counts (all labels together), with the
 * totals per label as attributes. total_increasing: Home Assistant takes the drop at a reset as a
 * new cycle, not as a negative count.
 */
function addLineEntities(add: AddEntity, id: string, line: CountedLine, t: CameraTopics): void {
  const topic = `${t.countsPrefix}${line.name}`;
  const directions = line.direction === 'both' ? (['in', 'out'] as const) : [line.direction];
  for (const direction of directions) {
    add('sensor', `${id}_${line.name}_${direction}`, {
      name: `${id} ${line.name} ${direction}`,
      state_topic: topic,
      value_template: `{{ value_json.total.${direction} }}`,
      json_attributes_topic: topic,
      json_attributes_template: `{{ value_json.totals.${direction} | tojson }}`,
      state_class: 'total_increasing',
    });
  }
}
