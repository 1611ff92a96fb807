import { describe, expect, it } from 'vitest';
import { isEdgecamError } from '../../../src/errors.js';
import { applyCommand, parseCommand } from '../../../src/publish/commands.js';
import { LatestPerInterval, MinInterval } from '../../../src/publish/rate-limit.js';
import { cameraTopics, deviceName, parseCommandTopic, topicPrefix } from '../../../src/publish/topics.js';
import { Backoff, doublingBackoff } from '../../../src/time/backoff.js';
import { ManualClock } from '../time/manual-clock.js';

describe('topics', () => {
  it('default to edgecam/<device>, the device to the short host name', () => {
    expect(deviceName('', 'Garage Pi.local')).toBe('Garage-Pi');
    expect(deviceName('shed', 'anything')).toBe('shed');
    expect(topicPrefix('', 'pi')).toBe('edgecam/pi');
    expect(topicPrefix('home/garage', 'pi')).toBe('home/garage');
    expect(cameraTopics('edgecam/pi', 'front')).toMatchObject({
      detections: 'edgecam/pi/front/detections',
      snapshot: 'edgecam/pi/front/snapshot',
      setPrefix: 'edgecam/pi/front/set/',
    });
  });

  it('parse command topics under the prefix only', () => {
    expect(parseCommandTopic('edgecam/pi', 'edgecam/pi/front/set/threshold')).toEqual({
      camera: 'front',
      setting: 'threshold',
    });
    expect(parseCommandTopic('edgecam/pi', 'edgecam/pi/front/state')).toBeUndefined();
    expect(parseCommandTopic('edgecam/pi', 'edgecam/pie/front/set/x')).toBeUndefined();
  });
});

describe('commands', () => {
  const topic = 'edgecam/pi/front/set/x';
  it('accept true/false, ON/OFF, a threshold in 0..1 and any snapshot payload', () => {
    expect(parseCommand('front', 'enabled', 'ON', topic)).toMatchObject({ value: true });
    expect(parseCommand('front', 'enabled', ' false\n', topic)).toMatchObject({ value: false });
    expect(parseCommand('front', 'threshold', '0.25', topic)).toMatchObject({ value: 0.25 });
    expect(parseCommand('front', 'snapshot', 'PRESS', topic)).toMatchObject({ value: true });
    const state = { enabled: true, threshold: 0.5 };
    expect(applyCommand(state, { camera: 'front', setting: 'threshold', value: 0.9 })).toEqual({
      enabled: true,
      threshold: 0.9,
    });
    expect(applyCommand(state, { camera: 'front', setting: 'snapshot', value: true })).toBe(state);
    expect(parseCommand('front', 'reset_counts', 'PRESS', topic)).toEqual({
      camera: 'front',
      setting: 'reset_counts',
      value: true,
    });
    expect(applyCommand(state, { camera: 'front', setting: 'reset_counts', value: true })).toBe(state);
    expect(cameraTopics('edgecam/pi', 'front')).toMatchObject({
      count: 'edgecam/pi/front/count',
      countsPrefix: 'edgecam/pi/front/counts/',
    });
  });

  it.each([
    ['enabled', 'maybe', /is not true\/false/],
    ['threshold', '1.5', /is not a number from 0 to 1/],
    ['threshold', '', /is not a number/],
    ['zoom', '2', /no setting "zoom".*set\/enabled, set\/threshold, set\/snapshot, set\/reset_counts/],
  ])('reject %s=%j with EDGECAM_ERR_MQTT_COMMAND naming the topic', (setting, payload, message) => {
    let error: unknown;
    try {
      parseCommand('front', setting, payload, topic);
    } catch (err) {
      error = err;
    }
    expect(isEdgecamError(error, 'EDGECAM_ERR_MQTT_COMMAND')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(topic);
  });
});

describe('backoff and rate limits', () => {
  it('double up to the cap and start over after a reset', () => {
    const backoff = new Backoff(doublingBackoff(500, 3000), () => 0); // no jitter: exact delays
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      500, 1000, 2000, 3000, 3000,
    ]);
    backoff.reset();
    expect(backoff.next()).toBe(500);
  });

  it('let one message through per interval, by the injected clock', () => {
    let now = 1000;
    const limit = new MinInterval(200, { now: () => now });
    expect(limit.take()).toBe(true);
    now += 199;
    expect(limit.take()).toBe(false);
    now += 1;
    expect(limit.take()).toBe(true);
    expect(new MinInterval(0, { now: () => now }).take()).toBe(true);
  });

  it('send the latest of what came within an interval when it ends, and nothing twice', async () => {
    const clock = new ManualClock(0);
    const sent: string[] = [];
    const latest = new LatestPerInterval<string>(1000, clock, (v) => sent.push(`${v}@${clock.now()}`));
    latest.offer('a'); // the first goes at once
    await clock.advance(300);
    latest.offer('b'); // waits for t=1000 ...
    await clock.advance(300);
    latest.offer('c'); // ... and is replaced: b never goes
    await clock.advance(399);
    expect(sent).toEqual(['a@0']);
    await clock.advance(1);
    expect(sent).toEqual(['a@0', 'c@1000']);
    await clock.advance(5000);
    expect(sent).toHaveLength(2); // nothing waits, nothing repeats
    latest.offer('d'); // the interval has long passed: at once
    latest.offer('e');
    latest.flush(); // stopping: what waits goes now
    expect(sent).toEqual(['a@0', 'c@1000', 'd@6000', 'e@6000']);
    expect(clock.pending).toBe(0);
    const every = new LatestPerInterval<string>(0, clock, (v) => sent.push(v));
    every.offer('f');
    every.offer('g');
    expect(sent.slice(-2)).toEqual(['f', 'g']);
  });
});
