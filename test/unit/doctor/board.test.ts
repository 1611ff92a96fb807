import { describe, expect, it } from 'vitest';
import { checkTemperature, checkThrottling, throttledVerdict } from '../../../src/doctor/board.js';
import { board, script, tempDir } from './helpers.js';

describe('doctor: temperature (/sys/class/thermal)', () => {
  it('reads a Pi 5 at 48.8 °C as ok', async () => {
    expect(await checkTemperature(`${board('pi5')}/sys/class/thermal`)).toEqual({
      name: 'temperature',
      status: 'ok',
      found: '48.8 °C (cpu-thermal)',
    });
  });

  it('warns near throttling, naming the hottest zone', async () => {
    const r = await checkTemperature(`${board('hot')}/sys/class/thermal`);
    expect(r.status).toBe('warn');
    expect(r.found).toMatch(/^79\.3 °C \(cpu-thermal, the hottest of 2 zones\)/);
    expect(r.fix).toMatch(/heatsink or a fan/);
  });

  it('is ok, saying so, where the board has no thermal zones', async () => {
    const r = await checkTemperature('/nonexistent/thermal');
    expect(r).toEqual({
      name: 'temperature',
      status: 'ok',
      found: 'no thermal zones under /nonexistent/thermal: nothing to read',
    });
  });
});

describe('doctor: throttling (vcgencmd get_throttled)', () => {
  it.each([
    ['0x0', 'ok', /never under-voltage or throttled/],
    ['0x1', 'fail', /under-voltage now/],
    ['0x50005', 'fail', /under-voltage now/],
    ['0x50000', 'warn', /under-voltage since boot/],
    ['0x4', 'warn', /slowed now/],
    ['0x40000', 'warn', /slowed since boot/],
  ])('get_throttled=%s is %s', (flags, status, found) => {
    const r = throttledVerdict(flags);
    expect(r.status).toBe(status);
    expect(r.found).toMatch(found);
    if (status !== 'ok') expect(r.fix).toBeDefined();
  });

  it('runs vcgencmd from PATH and reads its flags', async () => {
    const bin = await tempDir();
    await script(bin, 'vcgencmd', '[ "$1" = get_throttled ] && echo "throttled=0x50000"');
    const r = await checkThrottling('vcgencmd', bin);
    expect(r.status).toBe('warn');
    expect(r.found).toBe('get_throttled=0x50000: under-voltage since boot');
    expect(r.fix).toMatch(/power supply/);
  });

  it('is ok where there is no vcgencmd (not a Pi)', async () => {
    expect(await checkThrottling('vcgencmd', await tempDir())).toEqual({
      name: 'throttling',
      status: 'ok',
      found: 'no vcgencmd on PATH (not a Raspberry Pi): nothing to read',
    });
  });

  it('warns when vcgencmd is there but gives no answer (no access to /dev/vcio)', async () => {
    const bin = await tempDir();
    await script(bin, 'vcgencmd', 'echo "VCHI initialization failed" >&2; exit 255');
    const r = await checkThrottling('vcgencmd', bin);
    expect(r.status).toBe('warn');
    expect(r.fix).toMatch(/video group/);
  });
});
