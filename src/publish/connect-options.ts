import { readFile } from 'node:fs/promises';
import type { IClientOptions } from 'mqtt';
import { isLoopbackHost } from '../config/loopback.js';
import type { Config } from '../config/schema.js';
import { EdgecamError } from '../errors.js';

/**
 * mqtt.js client options from the `mqtt:` config: client id, credentials (the password from the
 * config, EDGECAM_MQTT__PASSWORD or a file), TLS files, protocol version, keepalive and the last
 * will. Files are read here, once, with errors that name the key and the file.
 */

export type MqttConfig = Config['mqtt'];

export interface ConnectTarget {
  /** The broker URL, credentials removed (say it in logs). */
  readonly url: string;
  readonly options: IClientOptions;
}

export interface ConnectOptionsInput {
  readonly mqtt: MqttConfig;
  /** The broker URL (mqtt.url, or the embedded broker's). */
  readonly url: string;
  readonly clientId: string;
  /** Topic of the retained online/offline status (the will). */
  readonly statusTopic: string;
  /** MQTT protocol version to speak (the embedded broker speaks 4, MQTT 3.1.1). */
  readonly protocolVersion: 4 | 5;
}

/**
 * The URL without user and password, for logs and messages.
 * @example redactUrl('mqtt://bob:secret@broker:1883') // 'mqtt://broker:1883'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * Builds the options; throws EDGECAM_ERR_MQTT_CREDENTIALS or EDGECAM_ERR_MQTT_TLS when a file
 * cannot be read or credentials would go out in plain text.
 * @example const { url, options } = await connectOptions({ mqtt: config.mqtt, url, clientId, statusTopic, protocolVersion: 5 })
 */
export async function connectOptions(input: ConnectOptionsInput): Promise<ConnectTarget> {
  const { mqtt, clientId, statusTopic, protocolVersion } = input;
  const parsed = new URL(input.url);
  const username = mqtt.username !== '' ? mqtt.username : decodeURIComponent(parsed.username);
  let password = mqtt.password !== '' ? mqtt.password : decodeURIComponent(parsed.password);
  if (mqtt.passwordFile !== '') {
    try {
      password = (await readFile(mqtt.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (err) {
      throw new EdgecamError(
        'EDGECAM_ERR_MQTT_CREDENTIALS',
        `cannot read mqtt.passwordFile ${mqtt.passwordFile}: ${(err as Error).message}. Fix: check the path, and that the edgecam user may read it`,
        { cause: err },
      );
    }
  }
  const plain = parsed.protocol === 'mqtt:' || parsed.protocol === 'ws:';
  if (
    (username !== '' || password !== '') &&
    plain &&
    !isLoopbackHost(parsed.hostname) &&
    !mqtt.allowInsecure
  ) {
    throw new EdgecamError(
      'EDGECAM_ERR_MQTT_CREDENTIALS',
      `refusing to send MQTT credentials in plain text to ${parsed.hostname} (${parsed.protocol}//). Fix: use ${
        parsed.protocol === 'mqtt:' ? 'mqtts://' : 'wss://'
      }, or set mqtt.allowInsecure: true if the network is yours`,
    );
  }
  const tls = await readTlsFiles(mqtt.tls);
  const options: IClientOptions = {
    clientId,
    protocolVersion,
    keepalive: mqtt.keepalive,
    connectTimeout: mqtt.connectTimeout * 1000,
    clean: true,
    // edgecam reconnects itself, with a fresh client and a capped backoff (mqtt.ts).
    reconnectPeriod: 0,
    // QoS 0 while offline is dropped and counted, never queued without bound.
    queueQoSZero: false,
    // mqtt-packet's number cache is 65,536 two-byte Buffers: 6 MB of the main thread's heap (the
    // largest thing in it) that every major collection marks, to save a 2-byte allocation per
    // packet. The setting is the module's, so it also keeps the embedded broker from building it.
    writeCache: false,
    rejectUnauthorized: mqtt.tls.rejectUnauthorized,
    will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    ...(username !== '' ? { username } : {}),
    ...(password !== '' ? { password } : {}),
    ...tls,
  };
  return { url: redactUrl(input.url), options };
}

async function readTlsFiles(tls: MqttConfig['tls']): Promise<Pick<IClientOptions, 'ca' | 'cert' | 'key'>> {
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer } = {};
  for (const key of ['ca', 'cert', 'key'] as const) {
    const file = tls[key];
    if (file === '') continue;
    try {
      out[key] = await readFile(file);
    } catch (err) {
      throw new EdgecamError(
        'EDGECAM_ERR_MQTT_TLS',
        `cannot read mqtt.tls.${key} ${file}: ${(err as Error).message}. Fix: check the path (a PEM file), and that the edgecam user may read it`,
        { cause: err },
      );
    }
  }
  return out;
}
