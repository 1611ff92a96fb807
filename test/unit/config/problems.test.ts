import { describe, expect, it } from 'vitest';
import { formatProblems } from '../../../src/config/index.js';
import { fixture, problemAt, problemsIn } from './fixtures.js';

describe('config problems', () => {
  it('reports an unknown key with a did-you-mean and its position in the file', async () => {
    const problems = await problemsIn('unknown-key.yaml');
    expect(problems).toEqual([
      {
        path: 'cameras[0].fpss',
        value: 10,
        message: 'unknown key',
        fix: 'did you mean "fps"?',
        line: 4,
        column: 5,
      },
    ]);
  });

  it('lists the allowed keys when no key is close to an unknown one', async () => {
    const problems = await problemsIn('empty.yaml', { overrides: { 'http.timeoutSeconds': 5 } });
    expect(problemAt(problems, 'http.timeoutSeconds')).toMatchObject({
      message:
        'names no config key: "timeoutSeconds" is not a key of http (allowed: host, port, token, metricsOpen, frameTimeout)',
      fix: 'use a key path from config/default.yaml, e.g. http.port or cameras.0.fps',
    });
  });

  it('says what type was expected and what was received', async () => {
    const problems = await problemsIn('wrong-type.yaml');
    expect(problemAt(problems, 'http.port')).toMatchObject({
      value: 'eighty',
      message: 'expected a whole number from 0 to 65535, received a string',
      fix: 'write a whole number from 0 to 65535, e.g. port: 8080',
    });
    expect(problemAt(problems, 'cameras[0].id')).toMatchObject({
      value: 7,
      message: 'expected a string, received a number',
      fix: 'quote it: "7"',
    });
  });

  it('rejects an out-of-range port', async () => {
    const problem = problemAt(await problemsIn('port-range.yaml'), 'http.port');
    expect(problem).toMatchObject({ value: 70000, line: 2, column: 3 });
    expect(problem.message).toBe('out of range: expected a whole number from 0 to 65535');
  });

  it('rejects motion and detect values out of their ranges, naming the key', async () => {
    const problems = await problemsIn('empty.yaml', {
      env: {
        EDGECAM_CAMERAS__0__MOTION__WIDTH: '8',
        EDGECAM_CAMERAS__0__MOTION__THRESHOLD: '300',
        EDGECAM_CAMERAS__0__DETECT__MODE: 'sometimes',
      },
    });
    expect(problemAt(problems, 'cameras[0].motion.width').message).toMatch(/16/);
    expect(problemAt(problems, 'cameras[0].motion.threshold').message).toMatch(/255/);
    expect(problemAt(problems, 'cameras[0].detect.mode')).toMatchObject({
      value: 'sometimes',
      fix: 'use one of always, motion',
    });
  });

  it('rejects an events.snapshots.keep that is not a whole number from 0, naming the value and the fix', async () => {
    const keep = async (value: string) =>
      problemAt(
        await problemsIn('empty.yaml', { env: { EDGECAM_CAMERAS__0__EVENTS__SNAPSHOTS__KEEP: value } }),
        'cameras[0].events.snapshots.keep',
      );
    expect(await keep('-1')).toMatchObject({
      value: -1,
      message: 'out of range: expected a whole number from 0 to 100000',
      fix: 'use a whole number from 0 to 100000, e.g. keep: 100',
      origin: 'EDGECAM_CAMERAS__0__EVENTS__SNAPSHOTS__KEEP',
    });
    expect(await keep('2.5')).toMatchObject({
      value: 2.5,
      message: 'expected a whole number from 0 to 100000, received a number',
    });
    expect(await keep('all')).toMatchObject({
      value: 'all',
      fix: 'write a whole number from 0 to 100000, e.g. keep: 100',
    });
    expect(
      await problemsIn('empty.yaml', { env: { EDGECAM_CAMERAS__0__EVENTS__SNAPSHOTS__KEEP: '0' } }),
    ).toEqual([]);
  });

  it('rejects a log level that is not one of the levels, suggesting the nearest', async () => {
    expect(problemAt(await problemsIn('log-level.yaml'), 'log.level')).toMatchObject({
      value: 'verbos',
      message: 'not one of fatal, error, warn, info, debug, trace, silent',
      fix: 'use one of fatal, error, warn, info, debug, trace, silent',
    });
    const problems = await problemsIn('empty.yaml', { env: { EDGECAM_LOG__LEVEL: 'debgu' } });
    expect(problemAt(problems, 'log.level')).toMatchObject({
      fix: 'did you mean "debug"?',
      origin: 'EDGECAM_LOG__LEVEL',
    });
  });

  it('rejects an MQTT URL with another scheme', async () => {
    const problem = problemAt(await problemsIn('url-scheme.yaml'), 'mqtt.url');
    expect(problem.message).toBe(
      'unsupported URL scheme "http://": expected mqtt://, mqtts://, ws://, wss://',
    );
    expect(problem.fix).toMatch(
      /^write e\.g\. mqtt:\/\/192\.168\.1\.10:1883 .* or "" to start the embedded broker$/,
    );
  });

  it('accepts the four MQTT schemes and "" and rejects text that is not a URL', async () => {
    for (const url of ['', 'mqtt://b:1883', 'mqtts://b', 'ws://b/mqtt', 'wss://b/mqtt']) {
      expect(await problemsIn('empty.yaml', { overrides: { 'mqtt.url': url } })).toEqual([]);
    }
    const problems = await problemsIn('empty.yaml', { overrides: { 'mqtt.url': 'broker.local' } });
    expect(problemAt(problems, 'mqtt.url')).toMatchObject({
      message: 'not a URL',
      origin: 'override mqtt.url',
    });
  });

  it('reports a duplicate camera id at the second camera, naming the first', async () => {
    const problems = await problemsIn('duplicate-id.yaml');
    expect(problems).toHaveLength(1);
    expect(problemAt(problems, 'cameras[2].id')).toMatchObject({
      value: 'front',
      message: 'duplicate camera id: cameras[0] has it too',
      line: 6,
    });
  });

  it('rejects a camera id that cannot be an MQTT topic level, suggesting one that can', async () => {
    expect(problemAt(await problemsIn('bad-id.yaml'), 'cameras[0].id')).toMatchObject({
      value: 'Front Door',
      message: 'not a usable camera id: it becomes an MQTT topic level',
      fix: 'use lower-case letters, digits, "-" and "_", starting with a letter or digit, e.g. front-door',
    });
  });

  it('rejects an unknown source kind, naming the kinds', async () => {
    const problems = await problemsIn('empty.yaml', {
      overrides: { 'cameras.0.source': { kind: 'usb', device: '/dev/video0' } },
    });
    expect(problems).toHaveLength(1);
    expect(problemAt(problems, 'cameras[0].source.kind').fix).toBe(
      'use one of v4l2, libcamera, rtsp, http, node-webcam, file, synthetic',
    );
  });

  it("checks a source's keys against its own kind, and says which kind a misplaced key belongs to", async () => {
    const problems = await problemsIn('empty.yaml', {
      overrides: { 'cameras.0.source': { kind: 'synthetic', pace: 'fast', sede: 3 } },
    });
    expect(problemAt(problems, 'cameras[0].source.pace')).toMatchObject({
      message: 'unknown key',
      fix: 'remove it (pace belongs to kind: file); the keys allowed here are kind, seed, signs',
    });
    // A near miss is still suggested, from this kind's keys only.
    expect(problemAt(problems, 'cameras[0].source.sede').fix).toBe('did you mean "seed"?');
  });

  it('reports a missing required key', async () => {
    const problems = await problemsIn('empty.yaml', { overrides: { cameras: [{ id: 'front' }] } });
    expect(problemAt(problems, 'cameras[0].source')).toMatchObject({
      value: undefined,
      message: 'required key is missing',
      fix: 'add source: a mapping with kind (v4l2, libcamera, rtsp, http, node-webcam, file, synthetic) and its keys',
    });
  });

  it('reports several problems of different kinds together', async () => {
    const problems = await problemsIn('many-problems.yaml');
    expect(problems.map((p) => [p.path, p.fix])).toEqual([
      ['log.level', 'use one of fatal, error, warn, info, debug, trace, silent'],
      ['http.port', 'use a whole number from 0 to 65535, e.g. port: 8080'],
      [
        'kernels.chains.edges[0].kernel',
        'did you mean "sobel-left"? (edgecam kernel list shows every kernel)',
      ],
      ['cameras[0].fpss', 'did you mean "fps"?'],
      ['cameras[0].edges', 'did you mean "edges"?'],
    ]);
  });

  it('formats one block per problem: what, where, fix', async () => {
    const file = fixture('unknown-key.yaml');
    const problems = await problemsIn('unknown-key.yaml', { env: { EDGECAM_HTTP__PORT: '80a' } });
    expect(formatProblems(problems, file)).toBe(
      [
        `2 problems in ${file}:`,
        '',
        'http.port: expected a whole number from 0 to 65535, received a string (value "80a")',
        '  set by EDGECAM_HTTP__PORT',
        '  fix: write a whole number from 0 to 65535, e.g. port: 8080',
        '',
        'cameras[0].fpss: unknown key (value 10)',
        `  at ${file}:4:5`,
        '  fix: did you mean "fps"?',
      ].join('\n'),
    );
  });
});
