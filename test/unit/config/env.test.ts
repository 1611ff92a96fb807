import { describe, expect, it } from 'vitest';
import { ENV_ALLOWLIST, envName, loadConfig } from '../../../src/config/index.js';
import { ENGINE_ENV } from '../../../src/kernels/plan.js';
import { fixture, problemAt, problemsIn } from './fixtures.js';

const load = (env: Record<string, string | undefined>, file = 'empty.yaml') =>
  loadConfig({ file: fixture(file), env });

describe('environment variables', () => {
  it('map EDGECAM_ + upper-cased key path, segments joined by __', async () => {
    const config = await load({
      EDGECAM_MQTT__URL: 'mqtts://broker.local:8883',
      EDGECAM_STATEDIR: '/var/lib/edgecam',
      EDGECAM_MQTT__TOPICPREFIX: 'home/garage',
    });
    expect(config.mqtt.url).toBe('mqtts://broker.local:8883');
    expect(config.stateDir).toBe('/var/lib/edgecam');
    expect(config.mqtt.topicPrefix).toBe('home/garage');
    expect(envName(['mqtt', 'broker', 'port'])).toBe('EDGECAM_MQTT__BROKER__PORT');
  });

  it('become numbers where the schema wants numbers, and stay strings where it wants strings', async () => {
    const config = await load({
      EDGECAM_HTTP__PORT: '9000',
      EDGECAM_DEVICE: '123',
      EDGECAM_CAMERAS__0__FPS: '2.5',
    });
    expect(config.http.port).toBe(9000);
    expect(config.device).toBe('123');
    expect(config.cameras[0]!.fps).toBe(2.5);
  });

  it('become booleans, and numbers inside unions, where the schema takes them', async () => {
    const config = await load({
      EDGECAM_KERNELS__CHAINS__DENOISE__0__PADDING: '2',
      EDGECAM_KERNELS__CHAINS__SOFT: '[{kernel: {weights: [[1, 2, 1]]}}]',
      EDGECAM_KERNELS__CHAINS__SOFT__0__KERNEL__NORMALIZE: 'true',
    });
    expect(config.kernels.chains.denoise).toEqual([{ kernel: 'gaussian5', padding: 2 }]);
    expect(config.kernels.chains.soft).toEqual([{ kernel: { weights: [[1, 2, 1]], normalize: true } }]);
  });

  it('index lists with numeric segments and change the default camera rather than replacing it', async () => {
    const config = await load({ EDGECAM_CAMERAS__0__FPS: '5', EDGECAM_CAMERAS__0__SOURCE__SEED: '7' });
    expect(config.cameras).toHaveLength(1);
    expect(config.cameras[0]).toMatchObject({
      id: 'demo',
      fps: 5,
      width: 640,
      source: { kind: 'synthetic', seed: 7 },
    });
  });

  it('reach into nested lists (a camera inline chain step)', async () => {
    const config = await load({ EDGECAM_CAMERAS__1__EDGES__1__THRESHOLD: '32' }, 'layers.yaml');
    expect(config.cameras[1]!.edges).toEqual([
      { kernel: 'sobel-left', output: 'abs' },
      { edges: 'L2', threshold: 32 },
    ]);
  });

  it('take a whole list as YAML flow text', async () => {
    const config = await load({
      EDGECAM_CAMERAS__0__PREPROCESS: '[{kernel: box3}, {kernel: sharpen, output: abs}]',
    });
    expect(config.cameras[0]!.preprocess).toEqual([{ kernel: 'box3' }, { kernel: 'sharpen', output: 'abs' }]);
  });

  it('append a camera at the next index, whose missing keys are then reported against the variable', async () => {
    const problems = await problemsIn('empty.yaml', { env: { EDGECAM_CAMERAS__1__ID: 'porch' } });
    expect(problemAt(problems, 'cameras[1].source')).toMatchObject({
      message: 'required key is missing',
      origin: 'EDGECAM_CAMERAS__1__ID',
    });
  });

  it('report a variable that names no key, with a did-you-mean', async () => {
    const problems = await problemsIn('empty.yaml', {
      env: { EDGECAM_HTTP__PROT: '9000', EDGECAM_LOG_LEVEL: 'debug', EDGECAM_CAMERAS__0__FSP: '5' },
    });
    expect(problemAt(problems, 'EDGECAM_HTTP__PROT')).toEqual({
      path: 'EDGECAM_HTTP__PROT',
      value: '9000',
      message:
        'names no config key: "PROT" is not a key of http (allowed: host, port, token, metricsOpen, frameTimeout)',
      fix: 'did you mean EDGECAM_HTTP__PORT?',
    });
    expect(problemAt(problems, 'EDGECAM_LOG_LEVEL').fix).toBe('did you mean EDGECAM_LOG__LEVEL?');
    expect(problemAt(problems, 'EDGECAM_CAMERAS__0__FSP').fix).toBe('did you mean EDGECAM_CAMERAS__0__FPS?');
    expect(problems).toHaveLength(3);
  });

  it('report an index past the end of a list, an index that is not a number, and an empty segment', async () => {
    const problems = await problemsIn('empty.yaml', {
      env: { EDGECAM_CAMERAS__3__FPS: '5', EDGECAM_CAMERAS__FRONT__FPS: '5', EDGECAM_HTTP____PORT: '1' },
    });
    expect(problemAt(problems, 'EDGECAM_CAMERAS__3__FPS').message).toBe(
      'names no config key: index 3 is past the end of cameras, which has 1 (use 0..1)',
    );
    expect(problemAt(problems, 'EDGECAM_CAMERAS__FRONT__FPS').message).toBe(
      'names no config key: cameras is a list, and "FRONT" is not a list index (0, 1, ...)',
    );
    expect(problemAt(problems, 'EDGECAM_HTTP____PORT').message).toBe(
      'names no config key: it has an empty segment',
    );
  });

  it('report a list or mapping value that is not valid YAML flow text', async () => {
    const problems = await problemsIn('empty.yaml', {
      env: { EDGECAM_CAMERAS__0__PREPROCESS: '[{kernel: box3}' },
    });
    expect(problemAt(problems, 'EDGECAM_CAMERAS__0__PREPROCESS').message).toMatch(
      /^cannot be used for cameras\[0\]\.preprocess: not valid YAML\/JSON flow text: /,
    );
  });

  it('tolerate the allowlisted EDGECAM_KERNEL_ENGINE and ignore unset and non-EDGECAM variables', async () => {
    expect(ENV_ALLOWLIST).toContain(ENGINE_ENV);
    const problems = await problemsIn('empty.yaml', {
      env: {
        [ENGINE_ENV]: 'typescript',
        EDGECAM_HTTP__PORT: undefined,
        HOME: '/root',
        edgecam_http__port: 'x',
      },
    });
    expect(problems).toEqual([]);
  });
});

describe('CLI overrides', () => {
  it('take dotted or bracketed key paths, and strings are converted like env values', async () => {
    const config = await loadConfig({
      file: fixture('layers.yaml'),
      env: {},
      overrides: { 'http.port': '9001', 'cameras[1].fps': 3, 'cameras.0.width': 320, 'log.level': undefined },
    });
    expect(config.http.port).toBe(9001);
    expect(config.cameras[1]!.fps).toBe(3);
    expect(config.cameras[0]!.width).toBe(320);
    expect(config.log.level).toBe('debug');
  });

  it('report a key path that names no key, with a did-you-mean', async () => {
    const problems = await problemsIn('empty.yaml', { overrides: { 'htp.port': 9000 } });
    expect(problemAt(problems, 'htp.port')).toMatchObject({
      message:
        'names no config key: "htp" is not a key of the top level (allowed: device, stateDir, log, http, mqtt, kernels, capture, inference, cameras)',
      fix: 'did you mean "http.port"?',
    });
  });
});
