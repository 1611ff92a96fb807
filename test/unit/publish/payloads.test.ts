import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END_REASONS, OBJECT_CHANGES } from '../../../src/detection.js';
import { ADAPTER_TYPES } from '../../../src/gpu-adapter.js';
import { healthPayload, PayloadWriter } from '../../../src/publish/payloads.js';
import { schemaErrors } from '../../integration/publish/schemas.js';

const writer = new PayloadWriter({
  device: 'pi',
  camera: 'front',
  model: { name: 'signs "v2"', version: '2.0.0' },
  image: { width: 640, height: 480 },
});
const frame = { seq: 7, timestamp: Date.UTC(2025, 5, 1) };

describe('payloads', () => {
  it('writes detections as valid JSON with normalised boxes, rounded numbers and counts per label', () => {
    const text = writer.detections(
      frame,
      [
        { label: 'stop', classId: 0, score: 0.123456, box: { x: 0.5, y: 0.25, w: 0.125, h: 1 / 3 } },
        { label: 'stop', classId: 0, score: 0.5 },
        { label: 'traffic "light"', classId: 9, score: 1 },
      ],
      3.14659,
    );
    const payload = JSON.parse(text);
    expect(schemaErrors('detections', payload)).toEqual([]);
    expect(payload).toMatchObject({
      model: { name: 'signs "v2"' },
      time: '2025-06-01T00:00:00.000Z',
      inferenceMs: 3.15,
      counts: { stop: 2, 'traffic "light"': 1 },
    });
    expect(payload.detections[0]).toEqual({
      label: 'stop',
      classId: 0,
      score: 0.1235,
      box: { x: 0.5, y: 0.25, w: 0.125, h: 0.3333 },
    });
  });

  it('writes each tracked detection with its id and age, as detections payload v2 (v1 had neither)', () => {
    const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
    const payload = JSON.parse(
      writer.detections(
        frame,
        [
          { label: 'stop', classId: 0, score: 0.9, box, id: '3-17', age: 12 },
          // Tentative (not yet born): an age, no id.
          { label: 'yield', classId: 1, score: 0.7, box, age: 1 },
        ],
        1,
      ),
    );
    expect(payload.v).toBe(2);
    expect(payload.detections.map((d: { id?: string; age?: number }) => [d.id, d.age])).toEqual([
      ['3-17', 12],
      [undefined, 1],
    ]);
    expect(schemaErrors('detections', payload)).toEqual([]);
    expect(schemaErrors('detections', { ...payload, v: 1 })).not.toEqual([]);
    const badAge = { ...payload, detections: [{ ...payload.detections[0], age: 0 }] };
    expect(schemaErrors('detections', badAge)).not.toEqual([]);
  });

  it('writes an empty frame as no detections and no counts', () => {
    const payload = JSON.parse(writer.detections(frame, [], 1));
    expect(payload.detections).toEqual([]);
    expect(payload.counts).toEqual({});
    expect(schemaErrors('detections', payload)).toEqual([]);
  });

  it('writes events with their id, duration and why they ended, and schemas reject what is not a payload', () => {
    const event = JSON.parse(
      writer.event('id-1', {
        type: 'end',
        label: 'stop',
        frame,
        score: 0.8,
        count: 0,
        startedAt: frame.timestamp - 1500,
        reason: 'restart',
      }),
    );
    expect(schemaErrors('event', event)).toEqual([]);
    expect(event).toMatchObject({
      v: 4,
      level: 'label',
      id: 'id-1',
      type: 'end',
      durationMs: 1500,
      count: 0,
      reason: 'restart',
    });
    const { reason: _reason, ...noReason } = event;
    expect(schemaErrors('event', noReason)).not.toEqual([]);
    expect(schemaErrors('event', { ...event, type: 'start' })).not.toEqual([]);
    expect(schemaErrors('event', { ...noReason, type: 'start' })).toEqual([]);
    expect(schemaErrors('event', { ...event, reason: 'crashed' })).not.toEqual([]);
    expect(schemaErrors('event', { ...event, v: 2 })).not.toEqual([]);
    const { level: _level, ...noLevel } = event;
    expect(schemaErrors('event', noLevel)).not.toEqual([]);
    expect(schemaErrors('event', { ...event, type: 'begin' })).not.toEqual([]);
    expect(schemaErrors('event', { ...event, extra: 1 })).not.toEqual([]);
    expect(schemaErrors('detections', { ...event })).not.toEqual([]);
  });

  it('lists every end reason in the event schema, and only those', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../../src/publish/schemas/event.schema.json', import.meta.url), 'utf8'),
    ) as { properties: { reason: { enum: string[] }; changed: { items: { enum: string[] } } } };
    expect(schema.properties.reason.enum).toEqual([...END_REASONS]);
    expect(schema.properties.changed.items.enum).toEqual([...OBJECT_CHANGES]);
  });

  it('writes state and health payloads that validate', () => {
    expect(
      schemaErrors(
        'state',
        JSON.parse(writer.state(3, frame.timestamp, { enabled: false, threshold: 0.65 })),
      ),
    ).toEqual([]);
    const health = JSON.parse(
      healthPayload('pi', 0, frame.timestamp, {
        uptimeS: 61.4,
        version: '0.1.0',
        provider: null,
        adapter: null,
        temperatureC: 51.2,
        throttled: '0x0',
        mqtt: { connected: false },
        outbox: {
          depth: 3,
          bytes: 900,
          dropped: 0,
          refused: { superseded: 2, budget: 0, full: 0, memory: 1 },
          writable: false,
          held: 3,
        },
        cameras: {
          front: {
            state: 'stalled',
            fps: 0,
            inferenceMs: 0,
            lastFrameAt: null,
            model: { name: 'm', version: '1' },
            image: { width: 1, height: 1 },
          },
        },
      }),
    );
    expect(schemaErrors('health', health)).toEqual([]);
    expect(health.uptimeS).toBe(61);
  });

  it('carries the WebGPU adapter in the health payload, and the schema holds it to its fields', () => {
    const adapter = {
      device: 'V3D 7.1.7.0',
      vendor: 'Broadcom',
      type: 'integrated-gpu',
      driver: 'V3DV Mesa Mesa 23.2.1',
      software: false,
    } as const;
    const report = {
      uptimeS: 5,
      version: '0.1.0',
      provider: 'webgpu',
      adapter,
      temperatureC: null,
      throttled: null,
      mqtt: { connected: true },
      outbox: {
        depth: 0,
        bytes: 0,
        dropped: 0,
        refused: { superseded: 0, budget: 0, full: 0, memory: 0 },
        writable: true,
        held: 0,
      },
      cameras: {},
    };
    const health = JSON.parse(healthPayload('pi', 1, frame.timestamp, report));
    expect(health).toMatchObject({ provider: 'webgpu', adapter });
    expect(schemaErrors('health', health)).toEqual([]);
    expect(schemaErrors('health', { ...health, adapter: { ...adapter, type: 'gpu' } })).not.toEqual([]);
    expect(schemaErrors('health', { ...health, adapter: { device: 'V3D' } })).not.toEqual([]);
    const { adapter: _, ...without } = health;
    expect(schemaErrors('health', without)).not.toEqual([]);
    // The schema's types are the code's.
    const schema = JSON.parse(
      readFileSync(new URL('../../../src/publish/schemas/health.schema.json', import.meta.url), 'utf8'),
    );
    expect(schema.properties.adapter.oneOf[1].properties.type.enum).toEqual([...ADAPTER_TYPES]);
  });
});
