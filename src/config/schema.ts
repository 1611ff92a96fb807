import * as z from 'zod';
import { CHAIN_NAME_PATTERN, chainRefSchema, chainSchema } from './chain-schema.js';
import { detectionShape } from './detection-schema.js';
import { inferenceSchema } from './inference-schema.js';
import { linesShape } from './lines-schema.js';
import { motionShape } from './motion-schema.js';
import { checkHttpSection, checkMqttSection, httpAccessShape, mqttClientShape } from './publish-schema.js';
import { onReload } from './reload-policy.js';
import { cropSchema, FLIPS, ROTATIONS, sourceSchema } from './source-schema.js';
import { parseUrlWithScheme } from './url-schema.js';

/**
 * The configuration schema: one YAML file, every key with a default (an empty file is valid),
 * camelCase keys, unknown keys rejected everywhere (a camera's `source` has one shape per kind,
 * in source-schema.ts). config/default.yaml documents every key; a test keeps the two in step.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SOURCE_KINDS = [
  'v4l2',
  'libcamera',
  'rtsp',
  'http',
  'node-webcam',
  'file',
  'synthetic',
] as const;
export const MQTT_URL_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
/** Camera ids are MQTT topic levels and file names: lower case, no spaces, no wildcards. */
export const CAMERA_ID_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** A device name is a topic level too; hostnames (letters, digits, '-', '.') fit. */
export const DEVICE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const portSchema = z.number().int().min(0).max(65535);
const hostSchema = z.string().min(1);

const deviceSchema = z.string().superRefine((device, ctx) => {
  if (device !== '' && !DEVICE_PATTERN.test(device)) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a usable device name: it becomes an MQTT topic level',
      params: { fix: 'use letters, digits, "-", "_" or "." (e.g. garage-pi), or "" for the hostname' },
    });
  }
});

const mqttUrlSchema = z.string().superRefine((url, ctx) => {
  if (url === '') return;
  const fix =
    'write e.g. mqtt://192.168.1.10:1883 (mqtts://, ws:// and wss:// work too), or "" to start the embedded broker';
  const parsed = parseUrlWithScheme(url, MQTT_URL_SCHEMES, fix, ctx);
  if (parsed !== undefined && parsed.hostname === '') {
    ctx.addIssue({ code: 'custom', message: 'the URL names no host', params: { fix } });
  }
});

const topicPrefixSchema = z.string().superRefine((prefix, ctx) => {
  if (/[+#\0]/.test(prefix) || prefix.endsWith('/')) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a usable topic prefix: MQTT wildcards (+, #) and a trailing "/" are not allowed',
      params: { fix: 'write topic levels joined by "/", e.g. home/garage, or "" for edgecam/<device>' },
    });
  }
});

const cameraIdSchema = z.string().superRefine((id, ctx) => {
  if (!CAMERA_ID_PATTERN.test(id)) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a usable camera id: it becomes an MQTT topic level',
      params: {
        fix: `use lower-case letters, digits, "-" and "_", starting with a letter or digit, e.g. ${suggestId(id)}`,
      },
    });
  }
});

export const cameraSchema = z.strictObject({
  // A camera is its id: a new id is another camera (the old one stops, the new one starts).
  id: onReload('camera', cameraIdSchema),
  // One shape per kind (source-schema.ts); capture/ has a file per kind that reads it.
  source: onReload('camera', sourceSchema),
  width: onReload('camera', z.number().int().min(1).max(16384).default(640)),
  height: onReload('camera', z.number().int().min(1).max(16384).default(480)),
  fps: onReload('camera', z.number().positive().max(1000).default(10)),
  rotate: onReload('camera', z.literal(ROTATIONS).default(0)),
  flip: onReload('camera', z.enum(FLIPS).default('none')),
  crop: onReload('camera', cropSchema.optional()),
  gray: onReload('camera', z.boolean().default(false)),
  stallTimeout: onReload('camera', z.number().positive().max(3600).default(10)),
  preprocess: onReload('live', chainRefSchema.optional()),
  edges: onReload('live', chainRefSchema.optional()),
  // model, threshold, labels, minArea, zones, events, enabled (detection-schema.ts).
  ...detectionShape,
  // lines, countsReset (lines-schema.ts).
  ...linesShape,
  // motion (differencing and its mask) and detect (mode, keepAlive) (motion-schema.ts).
  ...motionShape,
});

/** The chains a config gets when it names none (fresh objects on every call). */
export function defaultChains(): Record<string, z.input<typeof chainSchema>> {
  return {
    denoise: [{ kernel: 'gaussian5' }],
    edges: [{ kernel: 'gaussian5' }, { edges: 'L1' }],
  };
}

/** The camera a config gets when it lists none: synthetic frames, so a bare install shows something. */
export function defaultCamera(): z.input<typeof cameraSchema> {
  return {
    id: 'demo',
    source: { kind: 'synthetic', seed: 1, signs: 4 },
    width: 640,
    height: 480,
    fps: 10,
    preprocess: 'denoise',
    edges: 'edges',
  };
}

export const configSchema = z.strictObject({
  device: onReload('restart', deviceSchema.default('')),
  stateDir: onReload('restart', z.string().min(1).default('./.edgecam')),
  log: onReload('restart', z.strictObject({ level: z.enum(LOG_LEVELS).default('info') }).prefault({})),
  http: onReload(
    'restart',
    z
      .strictObject({
        host: hostSchema.default('127.0.0.1'),
        port: portSchema.default(8080),
        ...httpAccessShape,
      })
      .superRefine(checkHttpSection)
      .prefault({}),
  ),
  // The connection restarts with the daemon; the rates and formats of what it sends apply live (mqttClientShape).
  mqtt: z
    .strictObject({
      url: onReload('restart', mqttUrlSchema.default('')),
      broker: onReload(
        'restart',
        z
          .strictObject({ host: hostSchema.default('127.0.0.1'), port: portSchema.default(1883) })
          .prefault({}),
      ),
      topicPrefix: onReload('restart', topicPrefixSchema.default('')),
      ...mqttClientShape,
    })
    .superRefine(checkMqttSection)
    .prefault({}),
  kernels: onReload(
    'live',
    z
      .strictObject({
        // prefault (not default): the defaults go through the schema like a file's values would.
        chains: z.record(z.string().regex(CHAIN_NAME_PATTERN), chainSchema).prefault(defaultChains),
      })
      .prefault({}),
  ),
  capture: onReload('restart', z.strictObject({ ffmpegPath: z.string().default('') }).prefault({})),
  inference: onReload('restart', inferenceSchema.prefault({})),
  // Cameras are matched by id: each key says what its change restarts; added ones start, removed ones stop.
  cameras: z.array(cameraSchema).prefault(() => [defaultCamera()]),
});

/** The validated configuration: every default filled in, deep-frozen by loadConfig. */
export type Config = z.infer<typeof configSchema>;
export type CameraConfig = Config['cameras'][number];
/** The configuration as a file may write it: every key optional. */
export type ConfigInput = z.input<typeof configSchema>;

function suggestId(id: string): string {
  const cleaned = id
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  return cleaned === '' ? 'front-door' : cleaned;
}
