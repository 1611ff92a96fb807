import { hostname } from 'node:os';

/**
 * The MQTT topics edgecam publishes and listens on, built once at start-up (never per frame).
 * Every topic sits under one prefix, `edgecam/<device>` unless mqtt.topicPrefix says otherwise, so
 * devices of a fleet share a broker (or a cluster, or a bridge) without stepping on each other.
 */

/** The camera-level topics. */
export interface CameraTopics {
  readonly detections: string;
  readonly classification: string;
  readonly events: string;
  readonly edges: string;
  readonly snapshot: string;
  readonly state: string;
  /** Each crossing of a counting line. */
  readonly count: string;
  /** `<prefix>/<camera>/counts/` + a line's name: its retained totals. */
  readonly countsPrefix: string;
  /** Retained: whether something moves, and where. */
  readonly motion: string;
  /** `<prefix>/<camera>/set/` + a setting name. */
  readonly setPrefix: string;
}

/** The settings a command topic may set. */
export const SETTINGS = ['enabled', 'threshold', 'snapshot', 'reset_counts'] as const;
export type Setting = (typeof SETTINGS)[number];

/**
 * The device name: the configured one, or the host name cut to a usable topic level.
 * @example deviceName('') // 'garage-pi' on a host named garage-pi.local
 */
export function deviceName(configured: string, host = hostname()): string {
  if (configured !== '') return configured;
  const short = host.split('.')[0] ?? '';
  const cleaned = short.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'edgecam' : cleaned;
}

/**
 * The topic prefix: mqtt.topicPrefix, or `edgecam/<device>`.
 * @example topicPrefix('', 'garage-pi') // 'edgecam/garage-pi'
 */
export function topicPrefix(configured: string, device: string): string {
  return configured === '' ? `edgecam/${device}` : configured;
}

/** The device-level topics under a prefix. */
export function deviceTopics(prefix: string) {
  return {
    status: `${prefix}/status`,
    health: `${prefix}/health`,
    /** Every camera's command topics, for one subscription. */
    commands: `${prefix}/+/set/+`,
  } as const;
}

/**
 * A camera's topics.
 * @example cameraTopics('edgecam/pi', 'front').events // 'edgecam/pi/front/events'
 */
export function cameraTopics(prefix: string, camera: string): CameraTopics {
  const base = `${prefix}/${camera}`;
  return {
    detections: `${base}/detections`,
    classification: `${base}/classification`,
    events: `${base}/events`,
    edges: `${base}/edges`,
    snapshot: `${base}/snapshot`,
    state: `${base}/state`,
    count: `${base}/count`,
    countsPrefix: `${base}/counts/`,
    motion: `${base}/motion`,
    setPrefix: `${base}/set/`,
  };
}

/**
 * Splits a command topic `<prefix>/<camera>/set/<setting>` into its camera and setting, or
 * undefined when the topic is not one (the setting may still be unknown: the caller says so).
 * @example parseCommandTopic('edgecam/pi', 'edgecam/pi/front/set/enabled') // { camera: 'front', setting: 'enabled' }
 */
export function parseCommandTopic(
  prefix: string,
  topic: string,
): { camera: string; setting: string } | undefined {
  if (!topic.startsWith(`${prefix}/`)) return undefined;
  const levels = topic.slice(prefix.length + 1).split('/');
  if (levels.length !== 3 || levels[1] !== 'set') return undefined;
  return { camera: levels[0]!, setting: levels[2]! };
}
