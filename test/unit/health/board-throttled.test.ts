import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/health/metrics.js';
import { createThrottledReader } from '../../../src/health/system.js';

describe('edgecam_board_throttled', () => {
  it('has no sample where vcgencmd cannot run (anything but a Pi), not a healthy-looking 0', async () => {
    const metrics = createMetrics({
      processMetrics: false,
      thermalRoot: '/nonexistent/thermal',
      throttled: createThrottledReader('edgecam-no-such-vcgencmd'),
    });
    for (let scrape = 0; scrape < 2; scrape++) {
      expect(await metrics.registry.metrics()).not.toMatch(/^edgecam_board_throttled /m);
    }
  });

  it("has the flags where they can be read (vcgencmd's output stands in here: this machine is no Pi)", async () => {
    let flags: string | null = '0x0';
    const metrics = createMetrics({ processMetrics: false, throttled: async () => flags });
    expect(await metrics.registry.metrics()).toMatch(/^edgecam_board_throttled 0$/m);
    flags = '0x50005';
    expect(await metrics.registry.metrics()).toMatch(/^edgecam_board_throttled 327685$/m);
    // vcgencmd failing once (busy firmware) drops the sample rather than keeping a stale one.
    flags = null;
    expect(await metrics.registry.metrics()).not.toMatch(/^edgecam_board_throttled /m);
  });
});
