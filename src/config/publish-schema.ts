import * as z from 'zod';
import { isLoopbackHost } from './loopback.js';
import { onReload } from './reload-policy.js';

/**
 * The keys of the `mqtt:` and `http:` sections that the publish and health stages read (client,
 * credentials, TLS, topics, outbox, access), with the checks that span keys: credentials over
 * plain text to another machine, and an HTTP server on the network without a token.
 */

const seconds = z.number().positive();

export const mqttTlsSchema = z.strictObject({
  ca: z.string().default(''),
  cert: z.string().default(''),
  key: z.string().default(''),
  rejectUnauthorized: z.boolean().default(true),
});

/** The client keys of `mqtt:`, each with its reload policy: the connection restarts with the daemon, what it sends applies live. */
export const mqttClientShape = {
  clientId: onReload(
    'restart',
    z
      .string()
      .regex(/^[^+#/\s]*$/, { message: 'not a usable client id: no spaces, "/", "+" or "#"' })
      .max(64)
      .default(''),
  ),
  username: onReload('restart', z.string().default('')),
  password: onReload('restart', z.string().default('')),
  passwordFile: onReload('restart', z.string().default('')),
  tls: onReload('restart', mqttTlsSchema.prefault({})),
  protocolVersion: onReload(
    'restart',
    z
      .number()
      .int()
      .refine((v) => v === 4 || v === 5, {
        message: 'unsupported MQTT protocol version',
        params: { fix: 'write 5 (MQTT 5, the default) or 4 (MQTT 3.1.1, for old brokers)' },
      })
      .default(5),
  ),
  keepalive: onReload('restart', z.number().int().min(0).max(65535).default(30)),
  connectTimeout: onReload('restart', seconds.default(10)),
  reconnect: onReload(
    'restart',
    z.strictObject({ initialDelay: seconds.default(1), maxDelay: seconds.default(60) }).prefault({}),
  ),
  allowInsecure: onReload('restart', z.boolean().default(false)),
  detections: onReload(
    'live',
    z
      .strictObject({
        enabled: z.boolean().default(true),
        qos: z.number().int().min(0).max(1).default(0),
        maxRate: z.number().min(0).default(0),
      })
      .prefault({}),
  ),
  edges: onReload(
    'live',
    z
      .strictObject({
        format: z.enum(['png', 'jpeg']).default('png'),
        interval: z.number().min(0).default(5),
      })
      .prefault({}),
  ),
  snapshots: onReload(
    'live',
    z.strictObject({ interval: z.number().min(0).max(3600).default(1) }).prefault({}),
  ),
  healthInterval: onReload('restart', seconds.default(30)),
  homeAssistant: onReload(
    'restart',
    z
      .strictObject({
        enabled: z.boolean().default(true),
        prefix: z
          .string()
          .regex(/^[^+#\s]+[^/+#\s]$|^[^/+#\s]$/, { message: 'not a usable topic prefix' })
          .default('homeassistant'),
      })
      .prefault({}),
  ),
  outbox: onReload(
    'restart',
    z
      .strictObject({
        maxMessages: z.number().int().min(1).default(10000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .default(64 * 1024 * 1024),
      })
      .prefault({}),
  ),
};

export const httpAccessShape = {
  token: z.string().default(''),
  metricsOpen: z.boolean().default(false),
  frameTimeout: seconds.default(10),
};

interface MqttCredentialsView {
  url: string;
  username: string;
  password: string;
  passwordFile: string;
  allowInsecure: boolean;
  tls: { cert: string; key: string };
}

/** Cross-key checks of `mqtt:`: credentials in plain text to another machine, ambiguous password, half a client certificate. */
export function checkMqttSection(mqtt: MqttCredentialsView, ctx: z.core.$RefinementCtx): void {
  if (mqtt.password !== '' && mqtt.passwordFile !== '') {
    ctx.addIssue({
      code: 'custom',
      path: ['passwordFile'],
      message: 'both password and passwordFile are set',
      input: mqtt.passwordFile,
      params: { fix: 'keep one: passwordFile (a file only root can read) is the safer' },
    });
  }
  if ((mqtt.tls.cert === '') !== (mqtt.tls.key === '')) {
    ctx.addIssue({
      code: 'custom',
      path: ['tls', mqtt.tls.cert === '' ? 'cert' : 'key'],
      message: 'a client certificate needs both tls.cert and tls.key',
      input: '',
      params: { fix: 'set both (PEM files), or neither' },
    });
  }
  const hasCredentials = mqtt.username !== '' || mqtt.password !== '' || mqtt.passwordFile !== '';
  if (!hasCredentials || mqtt.allowInsecure || mqtt.url === '') return;
  let url: URL;
  try {
    url = new URL(mqtt.url);
  } catch {
    return; // the url key reports it
  }
  const plain = url.protocol === 'mqtt:' || url.protocol === 'ws:';
  if (plain && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: `credentials would cross the network in plain text to ${url.hostname} (${url.protocol}//)`,
      input: mqtt.url,
      params: {
        fix: `use ${url.protocol === 'mqtt:' ? 'mqtts://' : 'wss://'} (TLS), or set mqtt.allowInsecure: true if the network is yours`,
      },
    });
  }
}

/** Cross-key check of `http:`: serving beyond this machine needs a token. */
export function checkHttpSection(http: { host: string; token: string }, ctx: z.core.$RefinementCtx): void {
  if (http.token === '' && !isLoopbackHost(http.host)) {
    ctx.addIssue({
      code: 'custom',
      path: ['token'],
      message: `http.host ${http.host} serves the network, and the image and control endpoints need a token there`,
      input: '',
      params: {
        fix: 'set http.token (e.g. EDGECAM_HTTP__TOKEN=$(openssl rand -hex 16)), or keep http.host: 127.0.0.1',
      },
    });
  }
}
