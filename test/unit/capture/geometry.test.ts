import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { type Orientation, orientPlan } from '../../../src/capture/geometry.js';

const W = 7;
const H = 5;
// Every pixel different, so any misplaced pixel shows.
const rgb = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256);

/** The same operations done by sharp (libvips), one call per step so the order is explicit. */
async function bySharp(o: Orientation): Promise<{ data: Buffer; width: number; height: number }> {
  let raw = { data: Buffer.from(rgb), width: W, height: H };
  const step = async (f: (s: Sharp) => Sharp) => {
    const { data, info } = await f(
      sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }),
    )
      .raw()
      .toBuffer({ resolveWithObject: true });
    raw = { data, width: info.width, height: info.height };
  };
  if (o.crop) {
    const c = o.crop;
    await step((s) => s.extract({ left: c.x, top: c.y, width: c.width, height: c.height }));
  }
  if (o.rotate !== 0) await step((s) => s.rotate(o.rotate));
  if (o.flip === 'horizontal' || o.flip === 'both') await step((s) => s.flop());
  if (o.flip === 'vertical' || o.flip === 'both') await step((s) => s.flip());
  return raw;
}

describe('orientPlan', () => {
  const cases: Orientation[] = [];
  for (const rotate of [0, 90, 180, 270] as const) {
    for (const flip of ['none', 'horizontal', 'vertical', 'both'] as const) {
      cases.push({ rotate, flip, gray: false });
      cases.push({ rotate, flip, gray: false, crop: { x: 1, y: 2, width: 4, height: 3 } });
    }
  }

  it.each(cases)('matches sharp for %o', async (o) => {
    const plan = orientPlan(W, H, 3, o);
    const expected = await bySharp(o);
    expect([plan.width, plan.height]).toEqual([expected.width, expected.height]);
    expect(Buffer.from(plan.apply(rgb))).toEqual(expected.data);
  });

  it('hands an untouched frame through without copying', () => {
    const plan = orientPlan(W, H, 3, { rotate: 0, flip: 'none', gray: false });
    expect(plan.apply(rgb)).toBe(rgb);
  });

  it('converts to gray with BT.601 weights, after cropping and turning', () => {
    const plan = orientPlan(2, 1, 3, { rotate: 90, flip: 'none', gray: true });
    const out = plan.apply(Uint8Array.from([255, 0, 0, 0, 255, 0]));
    expect([plan.width, plan.height, plan.channels]).toEqual([1, 2, 1]);
    expect([...out]).toEqual([77, 149]);
    const cropped = orientPlan(2, 1, 3, {
      rotate: 0,
      flip: 'none',
      gray: true,
      crop: { x: 1, y: 0, width: 1, height: 1 },
    });
    expect([...cropped.apply(Uint8Array.from([255, 0, 0, 255, 255, 255]))]).toEqual([255]);
  });
});
