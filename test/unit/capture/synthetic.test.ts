import { describe, expect, it } from 'vitest';
import { SyntheticScene } from '../../../src/capture/synthetic/scene.js';
import { drawSign, SIGN_LABELS } from '../../../src/capture/synthetic/signs.js';

describe('the synthetic scene', () => {
  it('gives the same frame for the same seed and index, and another for another seed', () => {
    const a = new SyntheticScene(160, 120, 7, 4);
    const b = new SyntheticScene(160, 120, 7, 4);
    expect(b.render(42)).toEqual(a.render(42));
    expect(b.render(3)).toEqual(a.render(3));
    expect(new SyntheticScene(160, 120, 8, 4).render(42)).not.toEqual(a.render(42));
  });

  it('moves the signs from frame to frame and keeps them inside the picture', () => {
    const scene = new SyntheticScene(320, 240, 1, 6);
    const first = scene.objectsAt(0);
    const later = scene.objectsAt(50);
    expect(first.map((o) => o.label).sort()).toEqual([...SIGN_LABELS].sort());
    expect(later.map((o) => o.box)).not.toEqual(first.map((o) => o.box));
    for (let i = 0; i < 2000; i += 97) {
      for (const { box } of scene.objectsAt(i)) {
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.w).toBeLessThanOrEqual(1 + 1e-9);
        expect(box.y + box.h).toBeLessThanOrEqual(1 + 1e-9);
      }
    }
  });

  it('draws each sign in its colours where objectsAt says it is', () => {
    const scene = new SyntheticScene(320, 240, 3, 1);
    const frame = scene.render(10);
    const [object] = scene.objectsAt(10);
    // Just inside the left edge at mid-height: the red rim of a red sign, the blue disc of a blue one.
    const x = Math.round((object!.box.x + object!.box.w * 0.12) * 320);
    const y = Math.round((object!.box.y + object!.box.h * 0.5) * 240);
    const [r, g, b] = frame.subarray((y * 320 + x) * 3, (y * 320 + x) * 3 + 3);
    if (['ahead-only', 'turn-left', 'turn-right'].includes(object!.label)) expect(b).toBeGreaterThan(r! + 60);
    else expect(r).toBeGreaterThan(g! + 60);
  });

  it('draws signs with a transparent outside and an opaque middle', () => {
    for (const label of SIGN_LABELS) {
      const sprite = drawSign(label, 40);
      expect(sprite.rgba[3]).toBe(0); // the corner
      expect(sprite.rgba[(20 * 40 + 20) * 4 + 3]).toBe(255); // the centre
    }
  });
});
