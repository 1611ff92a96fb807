import { describe, expect, it } from 'vitest';
import { PayloadWriter } from '../../../src/publish/payloads.js';
import { schemaErrors } from '../../integration/publish/schemas.js';

const writer = new PayloadWriter({
  device: 'pi',
  camera: 'front',
  model: { name: 'people', version: '1.0.0' },
  image: { width: 640, height: 480 },
});
const ts = Date.UTC(2025, 5, 1);

describe('count payloads', () => {
  it('a crossing names its line, object, label and direction, and validates', () => {
    const payload = JSON.parse(
      writer.count('c-1', {
        line: 'door',
        objectId: '2-5',
        label: 'person',
        direction: 'in',
        frame: { seq: 40, timestamp: ts },
      }),
    );
    expect(payload).toMatchObject({
      v: 1,
      seq: 40,
      ts,
      id: 'c-1',
      line: 'door',
      objectId: '2-5',
      label: 'person',
      direction: 'in',
    });
    expect(schemaErrors('count', payload)).toEqual([]);
    expect(schemaErrors('count', { ...payload, direction: 'sideways' })).not.toEqual([]);
    const { objectId: _id, ...noObject } = payload;
    expect(schemaErrors('count', noObject)).not.toEqual([]);
  });

  it("a line's totals list each direction per label and summed, and validate", () => {
    const payload = JSON.parse(
      writer.counts(3, ts, 'door', { since: ts - 3600_000, in: { person: 4, dog: 1 }, out: { person: 2 } }),
    );
    expect(payload).toMatchObject({
      line: 'door',
      since: ts - 3600_000,
      totals: { in: { person: 4, dog: 1 }, out: { person: 2 } },
      total: { in: 5, out: 2 },
    });
    expect(schemaErrors('counts', payload)).toEqual([]);
    expect(schemaErrors('counts', { ...payload, totals: { in: { person: -1 }, out: {} } })).not.toEqual([]);
    expect(schemaErrors('counts', { ...payload, total: { in: 5 } })).not.toEqual([]);
    expect(
      schemaErrors('counts', JSON.parse(writer.counts(0, ts, 'gate', { since: ts, in: {}, out: {} }))),
    ).toEqual([]);
  });
});
