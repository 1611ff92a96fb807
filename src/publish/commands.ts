import { detectionShape } from '../config/detection-schema.js';
import { EdgecamError } from '../errors.js';
import type { CameraState } from './payloads.js';
import { SETTINGS, type Setting } from './topics.js';

/**
 * Command topics, `<prefix>/<camera>/set/<setting>`: what each setting accepts. Payloads are
 * plain text, as Home Assistant's switch, number and button entities send them.
 */

export type Command =
  | { readonly camera: string; readonly setting: 'enabled'; readonly value: boolean }
  | { readonly camera: string; readonly setting: 'threshold'; readonly value: number }
  | { readonly camera: string; readonly setting: 'snapshot'; readonly value: true }
  | { readonly camera: string; readonly setting: 'reset_counts'; readonly value: true };

const TRUE = new Set(['true', 'on', '1', 'yes']);
const FALSE = new Set(['false', 'off', '0', 'no']);

/**
 * Validates a command; throws EDGECAM_ERR_MQTT_COMMAND naming the topic, the payload and what fits.
 * @example parseCommand('front', 'enabled', 'OFF', topic) // { camera: 'front', setting: 'enabled', value: false }
 */
export function parseCommand(camera: string, setting: string, payload: string, topic: string): Command {
  const text = payload.trim();
  const bad = (expected: string) =>
    new EdgecamError(
      'EDGECAM_ERR_MQTT_COMMAND',
      `ignored command on ${topic}: payload ${JSON.stringify(text.slice(0, 64))} is not ${expected}`,
    );
  if (!(SETTINGS as readonly string[]).includes(setting)) {
    throw new EdgecamError(
      'EDGECAM_ERR_MQTT_COMMAND',
      `ignored command on ${topic}: no setting "${setting}". Fix: publish to one of ${SETTINGS.map((s) => `set/${s}`).join(', ')}`,
    );
  }
  switch (setting as Setting) {
    case 'enabled': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { camera, setting: 'enabled', value: true };
      if (FALSE.has(lower)) return { camera, setting: 'enabled', value: false };
      throw bad('true/false (or ON/OFF, 1/0)');
    }
    case 'threshold': {
      const value = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(value) || value < 0 || value > 1) throw bad('a number from 0 to 1 (e.g. 0.6)');
      return { camera, setting: 'threshold', value };
    }
    case 'snapshot':
      // Any payload asks for one (Home Assistant's button sends PRESS).
      return { camera, setting: 'snapshot', value: true };
    case 'reset_counts':
      // Any payload, as for snapshot.
      return { camera, setting: 'reset_counts', value: true };
  }
}

/**
 * The state after a command (snapshot and reset_counts change no setting).
 * @example applyCommand({ enabled: true, threshold: 0.5 }, { camera: 'front', setting: 'threshold', value: 0.7 }) // { enabled: true, threshold: 0.7 }
 */
export function applyCommand(state: CameraState, command: Command): CameraState {
  switch (command.setting) {
    case 'enabled':
      return { ...state, enabled: command.value };
    case 'threshold':
      return { ...state, threshold: command.value };
    case 'snapshot':
    case 'reset_counts':
      return state;
  }
}

/**
 * What a camera's commands act on: its live settings, owned by whoever runs the camera (the
 * daemon's camera runtime). The publisher hands each validated command over and publishes `state`
 * after it and on every connection.
 */
export interface CameraSettings {
  /** The live settings now. */
  readonly state: CameraState;
  /** Applies a validated command (snapshot and reset_counts change no setting). */
  command(command: Command): void;
}

/**
 * Settings a camera keeps by itself, for a publisher used without the daemon (tools, tests): they
 * start enabled, at the config schema's default threshold, and follow the commands.
 * @example const settings = heldSettings(); settings.command({ camera: 'front', setting: 'enabled', value: false })
 */
export function heldSettings(
  initial: CameraState = { enabled: true, threshold: detectionShape.threshold.parse(undefined) },
): CameraSettings {
  let state = initial;
  return {
    get state() {
      return state;
    },
    command(command) {
      state = applyCommand(state, command);
    },
  };
}
