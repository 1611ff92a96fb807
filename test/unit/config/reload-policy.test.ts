import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../src/config/freeze.js';
import { type Config, type ConfigInput, configSchema } from '../../../src/config/index.js';
import { configChanges, reloadedConfig } from '../../../src/config/reload-changes.js';
import { keyPolicies, RELOAD_POLICIES } from '../../../src/config/reload-policy.js';
import { keyPaths } from '../../../src/config/schema-walk.js';

const camera = { id: 'front', source: { kind: 'synthetic' as const, seed: 1 } };

/** A validated, frozen config: the front camera plus `extra` (its cameras replace the front one). */
function config(extra: ConfigInput = {}): Config {
  return deepFreeze(configSchema.parse({ cameras: [camera], ...extra }));
}

/** The front camera with some keys changed. */
function front(change: Record<string, unknown>): ConfigInput {
  return { cameras: [{ ...camera, ...change }] } as ConfigInput;
}

/** Whether `inner` is a key path below `outer` (`cameras[].source.kind` is below `cameras[].source`). */
function isBelow(inner: string, outer: string): boolean {
  return inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[]`);
}

describe('the reload policy of each config key', () => {
  const declared = keyPolicies(configSchema);

  it('is declared for every key the schema has, by the key or by a section above it', () => {
    const undeclared = declared.filter((k) => k.policy === undefined).map((k) => k.path);
    expect(undeclared).toEqual([]);
    // Read against keyPaths too: a key has a policy on it or above it, or is a section with keys that do.
    const withPolicy = declared.map((k) => k.path);
    const uncovered = keyPaths(configSchema).filter(
      (path) => !withPolicy.some((p) => p === path || isBelow(path, p) || isBelow(p, path)),
    );
    expect(uncovered).toEqual([]);
  });

  it('is declared once on a path: never again inside a section that has one', () => {
    const nested = declared.filter((k) => declared.some((outer) => isBelow(k.path, outer.path)));
    expect(nested).toEqual([]);
  });

  it('is one of live, camera, restart, and camera only for keys of a camera', () => {
    for (const { path, policy } of declared) {
      expect(RELOAD_POLICIES, path).toContain(policy);
      if (policy === 'camera')
        expect(path, 'only a camera key can restart a camera').toMatch(/^cameras\[\]\./);
    }
  });
});

describe('configChanges', () => {
  it('finds nothing between equal configs, and matches cameras by id, not by position', () => {
    const two = (order: string[]) =>
      config({ cameras: order.map((id) => ({ ...camera, id })) } as ConfigInput);
    expect(configChanges(config(), config())).toEqual([]);
    expect(configChanges(two(['a', 'b']), two(['b', 'a']))).toEqual([]);
  });

  it.each([
    ['cameras[front].threshold', front({ threshold: 0.7 })],
    ['cameras[front].labels', front({ labels: ['stop'] })],
    ['cameras[front].minArea', front({ minArea: 0.1 })],
    [
      'cameras[front].zones',
      front({
        zones: {
          door: [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        },
      }),
    ],
    [
      'cameras[front].mask',
      front({
        mask: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        ],
      }),
    ],
    ['cameras[front].events.start', front({ events: { start: 0.6 } })],
    ['cameras[front].events.snapshotInterval', front({ events: { snapshotInterval: 1 } })],
    ['cameras[front].preprocess', front({ preprocess: 'denoise' })],
    ['cameras[front].edges', front({ edges: 'edges' })],
    ['kernels', { kernels: { chains: { denoise: [{ kernel: 'box3' }] } } }],
    ['mqtt.detections', { mqtt: { detections: { maxRate: 2 } } }],
    ['mqtt.edges', { mqtt: { edges: { interval: 1 } } }],
    ['mqtt.snapshots', { mqtt: { snapshots: { interval: 5 } } }],
  ] as [string, ConfigInput][])('applies %s live', (path, change) => {
    expect(configChanges(config(), config(change))).toEqual([{ path, policy: 'live' }]);
  });

  it.each([
    ['source', { source: { kind: 'synthetic', seed: 2 } }],
    ['width', { width: 320 }],
    ['height', { height: 240 }],
    ['fps', { fps: 5 }],
    ['rotate', { rotate: 90 }],
    ['flip', { flip: 'both' }],
    ['crop', { crop: { width: 100, height: 100 } }],
    ['gray', { gray: true }],
    ['stallTimeout', { stallTimeout: 20 }],
    ['model', { model: 'models/signs' }],
    ['enabled', { enabled: false }],
    ['events.level', { events: { level: 'object' } }],
  ])('restarts the camera for %s', (key, change) => {
    expect(configChanges(config(), config(front(change)))).toEqual([
      { path: `cameras[front].${key}`, policy: 'camera' },
    ]);
  });

  it.each([
    ['device', { device: 'garage-pi' }],
    ['stateDir', { stateDir: '/var/lib/edgecam' }],
    ['log', { log: { level: 'debug' } }],
    ['http', { http: { port: 9000 } }],
    ['mqtt.url', { mqtt: { url: 'mqtt://127.0.0.1:1883' } }],
    ['mqtt.broker', { mqtt: { broker: { port: 1884 } } }],
    ['mqtt.topicPrefix', { mqtt: { topicPrefix: 'home/garage' } }],
    ['mqtt.keepalive', { mqtt: { keepalive: 60 } }],
    ['mqtt.homeAssistant', { mqtt: { homeAssistant: { enabled: false } } }],
    ['mqtt.outbox', { mqtt: { outbox: { maxMessages: 10 } } }],
    ['capture', { capture: { ffmpegPath: '/usr/bin/ffmpeg' } }],
    ['inference', { inference: { threads: 2 } }],
  ] as [string, ConfigInput][])('leaves %s to the next restart', (path, change) => {
    expect(configChanges(config(), config(change))).toEqual([{ path, policy: 'restart' }]);
  });

  it('reports a camera added or removed as one camera change', () => {
    const added = config({ cameras: [camera, { ...camera, id: 'back' }] } as ConfigInput);
    expect(configChanges(config(), added)).toEqual([{ path: 'cameras[back]', policy: 'camera' }]);
    expect(configChanges(added, config())).toEqual([{ path: 'cameras[back]', policy: 'camera' }]);
  });
});

describe('reloadedConfig', () => {
  it('takes the new values of live and camera keys, keeps the running ones of restart keys, and freezes', () => {
    const running = config();
    const fromFile = config({
      http: { port: 9000 },
      mqtt: { url: 'mqtt://127.0.0.1:1883', edges: { interval: 1 } },
      cameras: [{ ...camera, threshold: 0.7, fps: 5 }],
    } as ConfigInput);
    const applied = reloadedConfig(running, fromFile);
    expect(applied.http).toEqual(running.http);
    expect(applied.mqtt).toEqual({ ...running.mqtt, edges: fromFile.mqtt.edges });
    expect(applied.cameras).toEqual(fromFile.cameras);
    expect(applied.kernels).toEqual(fromFile.kernels);
    expect(Object.isFrozen(applied)).toBe(true);
    expect(configChanges(applied, fromFile)).toEqual([
      { path: 'http', policy: 'restart' },
      { path: 'mqtt.url', policy: 'restart' },
    ]);
  });

  it('is the new config itself when nothing needs a restart', () => {
    const fromFile = config(front({ threshold: 0.7 }));
    expect(reloadedConfig(config(), fromFile)).toEqual(fromFile);
  });
});
