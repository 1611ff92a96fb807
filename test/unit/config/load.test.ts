import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  checkConfig,
  configSchema,
  DEFAULT_CONFIG_FILE,
  formatProblems,
  loadConfig,
} from '../../../src/config/index.js';
import { isEdgecamError } from '../../../src/errors.js';
import { fixture, problemAt } from './fixtures.js';

describe('loadConfig', () => {
  it('loads the packaged default.yaml when no file is given', async () => {
    const config = await loadConfig({ env: {} });
    expect(config.http).toEqual(configSchema.parse({}).http);
    expect(config.cameras[0]).toMatchObject({
      id: 'demo',
      source: { kind: 'file' },
      model: 'models/signs',
      fps: 10,
    });
    expect(DEFAULT_CONFIG_FILE).toMatch(/config[/\\]default\.yaml$/);
  });

  it('takes every default from an empty file', async () => {
    const config = await loadConfig({ file: fixture('empty.yaml'), env: {} });
    expect(config).toEqual(configSchema.parse({}));
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, token: '' });
    expect(config.mqtt).toMatchObject({
      url: '',
      broker: { host: '127.0.0.1', port: 1883 },
      topicPrefix: '',
    });
    expect(config.kernels.chains).toEqual({
      denoise: [{ kernel: 'gaussian5' }],
      edges: [{ kernel: 'gaussian5' }, { edges: 'L1' }],
    });
  });

  it('treats a section whose keys are all commented out as absent', async () => {
    const config = await loadConfig({ file: fixture('empty-sections.yaml'), env: {} });
    expect(config.mqtt.url).toBe('');
    expect(config.http.port).toBe(8080);
  });

  it('returns a deep-frozen config', async () => {
    const config = await loadConfig({ file: fixture('layers.yaml'), env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.cameras)).toBe(true);
    expect(Object.isFrozen(config.cameras[0]!.source)).toBe(true);
    expect(Object.isFrozen(config.kernels.chains.denoise![0])).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('gives separate objects on every load, so freezing one never touches the schema defaults', async () => {
    const a = await loadConfig({ file: fixture('empty.yaml'), env: {} });
    const b = await loadConfig({ file: fixture('empty.yaml'), env: {} });
    expect(a.cameras).not.toBe(b.cameras);
    expect(Object.isFrozen(configSchema.parse({}).cameras)).toBe(false);
  });

  it('never mutates the objects a caller passes in', async () => {
    const source = { kind: 'rtsp', url: 'rtsp://cam.local/stream' };
    const overrides = { 'http.port': 9000, 'cameras.0.source': source };
    const env = { EDGECAM_LOG__LEVEL: 'warn' };
    const options = { file: fixture('layers.yaml'), env, overrides };
    const before = structuredClone(options);
    const config = await loadConfig(options);
    expect(options).toEqual(before);
    expect(Object.isFrozen(source)).toBe(false);
    expect(config.cameras[0]!.source).toMatchObject(source);
    expect(config.cameras[0]!.source).not.toBe(source);
  });

  it('never writes a deeper override into an object the caller passed for a shallower one', async () => {
    const camera = { id: 'front', source: { kind: 'v4l2' } };
    const config = await loadConfig({
      file: fixture('empty.yaml'),
      env: {},
      overrides: { cameras: [camera], 'cameras.0.fps': 5 },
    });
    expect(config.cameras[0]!.fps).toBe(5);
    expect(camera).toEqual({ id: 'front', source: { kind: 'v4l2' } });
  });

  it('throws ConfigError EDGECAM_ERR_CONFIG with every problem and a formatted message', async () => {
    const error = await loadConfig({ file: fixture('many-problems.yaml'), env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(isEdgecamError(error, 'EDGECAM_ERR_CONFIG')).toBe(true);
    const configError = error as ConfigError;
    expect(configError.problems.length).toBe(5);
    expect(configError.message).toBe(formatProblems(configError.problems, fixture('many-problems.yaml')));
  });

  it('reports a YAML syntax error with its line and column as EDGECAM_ERR_CONFIG_READ', async () => {
    const error = await loadConfig({ file: fixture('syntax-error.yaml.txt'), env: {} }).catch(
      (e: unknown) => e,
    );
    expect(isEdgecamError(error, 'EDGECAM_ERR_CONFIG_READ')).toBe(true);
    const [problem] = (error as ConfigError).problems;
    expect(problem).toMatchObject({ path: '', line: 7, column: 5 });
    expect(problem!.message).toMatch(/^YAML syntax error at line 7, column 5: /);
    expect((error as ConfigError).message).toContain(`at ${fixture('syntax-error.yaml.txt')}:7:5`);
  });

  it('reports a missing file as EDGECAM_ERR_CONFIG_READ naming the file', async () => {
    const file = fixture('no-such-file.yaml');
    const error = await loadConfig({ file, env: {} }).catch((e: unknown) => e);
    expect(isEdgecamError(error, 'EDGECAM_ERR_CONFIG_READ')).toBe(true);
    expect((error as ConfigError).problems[0]).toMatchObject({
      value: file,
      message: 'cannot read the file (ENOENT)',
    });
  });

  it('rejects a file whose top level is not a mapping', async () => {
    const { config, problems, code } = await checkConfig({ file: fixture('not-a-mapping.yaml'), env: {} });
    expect(config).toBeUndefined();
    expect(code).toBe('EDGECAM_ERR_CONFIG');
    expect(problemAt(problems, '').message).toMatch(/must hold a mapping of keys .* but holds a list/);
  });
});

describe('precedence: defaults < file < env < overrides', () => {
  const file = fixture('layers.yaml');

  it('lets the file override the defaults and keeps the defaults it does not mention', async () => {
    const config = await loadConfig({ file, env: {} });
    expect(config.log.level).toBe('debug');
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 8100 });
    expect(config.mqtt.broker.port).toBe(1883);
    expect(config.cameras[0]).toMatchObject({ id: 'front', fps: 15, width: 640 });
  });

  it('lets env override the file, and overrides override env', async () => {
    const env = {
      EDGECAM_HTTP__PORT: '8200',
      EDGECAM_LOG__LEVEL: 'warn',
      EDGECAM_MQTT__BROKER__PORT: '1884',
    };
    const fromEnv = await loadConfig({ file, env });
    expect(fromEnv.http).toMatchObject({ host: '0.0.0.0', port: 8200 });
    expect(fromEnv.log.level).toBe('warn');
    expect(fromEnv.mqtt.broker.port).toBe(1884);

    const overridden = await loadConfig({
      file,
      env,
      overrides: { 'http.port': 9000, 'log.level': 'error' },
    });
    expect(overridden.http.port).toBe(9000);
    expect(overridden.log.level).toBe('error');
    expect(overridden.mqtt.broker.port).toBe(1884);
  });

  it('reads process.env when no env is given', async () => {
    process.env.EDGECAM_HTTP__PORT = '8300';
    try {
      expect((await loadConfig({ file })).http.port).toBe(8300);
    } finally {
      delete process.env.EDGECAM_HTTP__PORT;
    }
  });
});
