import { describe, expect, it } from 'vitest';
import type { ObjectEvent } from '../../../src/detection.js';
import { PayloadWriter } from '../../../src/publish/payloads.js';
import { schemaErrors } from '../../integration/publish/schemas.js';

const writer = new PayloadWriter({
  device: 'pi',
  camera: 'front',
  model: { name: 'signs', version: '2.0.0' },
  image: { width: 640, height: 480 },
});
const at = Date.UTC(2025, 5, 1);
const first = { x: 0.1, y: 0.5, w: 0.1, h: 0.2 };
const last = { x: 0.7, y: 0.5, w: 0.1, h: 0.2 };
const best = { x: 0.4, y: 0.5, w: 0.1, h: 0.2 };
const path = { firstBox: first, lastBox: last, zones: ['door', 'yard'], bestScore: 0.93, bestBox: best };

function object(type: ObjectEvent['type'], extra: Partial<ObjectEvent> = {}): ObjectEvent {
  return {
    type,
    objectId: '4-12',
    label: 'person',
    frame: { seq: 90, timestamp: at },
    score: 0.8,
    count: type === 'end' ? 0 : 1,
    startedAt: at - 4000,
    box: last,
    zones: ['yard'],
    path,
    ...extra,
  };
}

const write = (event: ObjectEvent) => JSON.parse(writer.event('m-1', event));

describe('object event payloads (event schema v4)', () => {
  it('a start carries the object id, label, box and zones, and no path', () => {
    const start = write(object('start'));
    expect(start).toMatchObject({
      v: 4,
      level: 'object',
      type: 'start',
      objectId: '4-12',
      label: 'person',
      box: last,
      zones: ['yard'],
      durationMs: 4000,
    });
    expect(start.path).toBeUndefined();
    expect(schemaErrors('event', start)).toEqual([]);
  });

  it('an update says what changed; an end carries the path summary and the reason', () => {
    const update = write(object('update', { changed: ['zones', 'snapshot'] }));
    expect(update.changed).toEqual(['zones', 'snapshot']);
    expect(schemaErrors('event', update)).toEqual([]);
    const end = write(object('end', { reason: 'gone' }));
    expect(end).toMatchObject({ type: 'end', reason: 'gone', count: 0, path });
    expect(end.snapshot).toBeUndefined();
    expect(schemaErrors('event', end)).toEqual([]);
  });

  it('an end names where its snapshot is served, when one is kept; no other event may', () => {
    const end = write(object('end', { reason: 'gone', snapshot: '/cameras/front/objects/4-12.jpg' }));
    expect(end.snapshot).toBe('/cameras/front/objects/4-12.jpg');
    expect(schemaErrors('event', end)).toEqual([]);
    const start = write(object('start'));
    expect(schemaErrors('event', { ...start, snapshot: end.snapshot })).not.toEqual([]);
    expect(
      schemaErrors('event', { ...end, snapshot: '/cameras/front/objects/../../etc/passwd' }),
    ).not.toEqual([]);
  });

  it('the schema refuses object events without their fields, and object fields on label events', () => {
    const start = write(object('start'));
    const { objectId: _id, ...noId } = start;
    expect(schemaErrors('event', noId)).not.toEqual([]);
    const { zones: _zones, ...noZones } = start;
    expect(schemaErrors('event', noZones)).not.toEqual([]);
    const update = write(object('update', { changed: ['label'] }));
    const { changed: _changed, ...noChange } = update;
    expect(schemaErrors('event', noChange)).not.toEqual([]);
    expect(schemaErrors('event', { ...update, changed: ['colour'] })).not.toEqual([]);
    const end = write(object('end', { reason: 'stopped' }));
    const { path: _path, ...noPath } = end;
    expect(schemaErrors('event', noPath)).not.toEqual([]);
    expect(schemaErrors('event', { ...start, path })).not.toEqual([]);
    expect(schemaErrors('event', { ...end, level: 'label' })).not.toEqual([]);
    expect(schemaErrors('event', { ...end, path: { ...path, lastBox: undefined } })).not.toEqual([]);
  });
});
