import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { isEdgecamError } from '../../../src/errors.js';
import { connectError } from '../../../src/publish/connect-errors.js';
import { connectOptions, redactUrl } from '../../../src/publish/connect-options.js';

const dir = await mkdtemp('/tmp/edgecam-connect-');
afterAll(() => rm(dir, { recursive: true, force: true }));

const mqttConfig = (mqtt: object) => configSchema.parse({ mqtt }).mqtt;
const input = (mqtt: object, url: string) => ({
  mqtt: mqttConfig(mqtt),
  url,
  clientId: 'edgecam-pi',
  statusTopic: 'edgecam/pi/status',
  protocolVersion: 5 as const,
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('connect options', () => {
  it('read the password from a file, set the will, and keep credentials out of the URL they report', async () => {
    const file = join(dir, 'password');
    await writeFile(file, 's3cret\n');
    const target = await connectOptions(
      input({ username: 'cam', passwordFile: file }, 'mqtts://bob:x@broker:8883'),
    );
    expect(target.url).toBe('mqtts://broker:8883');
    expect(target.options).toMatchObject({
      username: 'cam',
      password: 's3cret',
      clientId: 'edgecam-pi',
      protocolVersion: 5,
      reconnectPeriod: 0,
      queueQoSZero: false,
      rejectUnauthorized: true,
      will: { topic: 'edgecam/pi/status', qos: 1, retain: true },
    });
    expect(redactUrl('ws://u:p@h:9001/mqtt')).toBe('ws://h:9001/mqtt');
  });

  it('refuse credentials in plain text to another host, unless allowInsecure', async () => {
    const err = await rejection(connectOptions(input({ username: 'cam', password: 'x' }, 'mqtt://10.1.2.3')));
    expect(isEdgecamError(err, 'EDGECAM_ERR_MQTT_CREDENTIALS')).toBe(true);
    expect(err.message).toMatch(/plain text to 10\.1\.2\.3.*mqtts:\/\/.*allowInsecure/);
    await expect(
      connectOptions(input({ username: 'cam', password: 'x', allowInsecure: true }, 'mqtt://10.1.2.3')),
    ).resolves.toBeDefined();
    await expect(
      connectOptions(input({ username: 'cam', password: 'x' }, 'mqtt://localhost')),
    ).resolves.toBeDefined();
  });

  it('name the key and the file when a password or TLS file is missing', async () => {
    const missing = join(dir, 'nope.pem');
    const tls = await rejection(connectOptions(input({ tls: { ca: missing } }, 'mqtts://broker')));
    expect(isEdgecamError(tls, 'EDGECAM_ERR_MQTT_TLS')).toBe(true);
    expect(tls.message).toContain(`mqtt.tls.ca ${missing}`);
    const pw = await rejection(connectOptions(input({ passwordFile: missing }, 'mqtts://broker')));
    expect(isEdgecamError(pw, 'EDGECAM_ERR_MQTT_CREDENTIALS')).toBe(true);
  });
});

describe('connect errors', () => {
  const context = { url: 'mqtt://broker:1883', username: undefined, clientId: 'edgecam-pi' };
  it('classify refused connections, auth and TLS failures with a fix', () => {
    const refused = connectError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1883'), { code: 'ECONNREFUSED' }),
      context,
    );
    expect(refused.code).toBe('EDGECAM_ERR_MQTT_CONNECT');
    expect(refused.message).toMatch(
      /broker at mqtt:\/\/broker:1883: connect ECONNREFUSED.*Fix: check mqtt.url/,
    );
    const auth = connectError(
      Object.assign(new Error('Connection refused: Not authorized'), { code: 5 }),
      context,
    );
    expect(auth.code).toBe('EDGECAM_ERR_MQTT_AUTH');
    expect(auth.message).toContain('set mqtt.username and mqtt.password');
    const tls = connectError(
      Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      context,
    );
    expect(tls.code).toBe('EDGECAM_ERR_MQTT_TLS');
    expect(tls.message).toContain('mqtt.tls.ca');
  });
});

describe('config checks of mqtt and http', () => {
  const problems = (input: object) => {
    const parsed = configSchema.safeParse(input);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('refuse credentials over plain mqtt:// to another host, and both password and passwordFile', () => {
    expect(problems({ mqtt: { url: 'mqtt://10.0.0.2', username: 'u', password: 'p' } })).toEqual([
      'mqtt.url: credentials would cross the network in plain text to 10.0.0.2 (mqtt://)',
    ]);
    expect(problems({ mqtt: { url: 'mqtt://10.0.0.2', username: 'u', allowInsecure: true } })).toEqual([]);
    expect(problems({ mqtt: { url: 'mqtts://10.0.0.2', username: 'u', password: 'p' } })).toEqual([]);
    expect(problems({ mqtt: { password: 'p', passwordFile: '/f' } })).toEqual([
      'mqtt.passwordFile: both password and passwordFile are set',
    ]);
    expect(problems({ mqtt: { protocolVersion: 3 } })).toEqual([
      'mqtt.protocolVersion: unsupported MQTT protocol version',
    ]);
  });

  it('require http.token when http.host is not loopback', () => {
    expect(problems({ http: { host: '0.0.0.0' } })).toEqual([
      'http.token: http.host 0.0.0.0 serves the network, and the image and control endpoints need a token there',
    ]);
    expect(problems({ http: { host: '0.0.0.0', token: 't' } })).toEqual([]);
    expect(problems({ http: { host: '::1' } })).toEqual([]);
  });
});
