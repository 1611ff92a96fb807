import { describe, expect, it } from 'vitest';
import { MotionDetector, type MotionSettings } from '../../../src/motion/motion-detector.js';
import { containsCentre, mover, TestScene } from './scene.js';

const SETTINGS: MotionSettings = { width: 160, adaptation: 0.05, threshold: 20, minArea: 0.0005, mask: [] };
const W = 640;
const H = 360;

/** Runs `frames` frames through a detector, warming it up on `warmup` still frames first. */
function run(
  scene: TestScene,
  settings: MotionSettings,
  frames: number,
  at: (i: number) => Parameters<TestScene['frame']>,
  warmup = 5,
) {
  const detector = new MotionDetector(settings);
  for (let i = 0; i < warmup; i++) detector.detect(scene.frame(-1 - i, []));
  return Array.from({ length: frames }, (_, i) => detector.detect(scene.frame(...at(i))));
}

describe('MotionDetector', () => {
  it('finds two moving boxes where they are, one region each', () => {
    const scene = new TestScene(W, H);
    const a = mover(40, 60, 48, 48, 6, 2, [240, 240, 240]);
    const b = mover(500, 250, 40, 60, -5, -1, [20, 20, 200]);
    const results = run(scene, SETTINGS, 12, (i) => [i, [a, b]]);
    for (const [i, r] of results.entries()) {
      if (i === 0) continue; // the boxes appear in frame 0: found, but where they were not yet is background too
      expect(r.moving).toBe(true);
      expect(r.global).toBe(false);
      expect(r.regions).toHaveLength(2);
      for (const m of [a, b]) {
        const truth = scene.box(m, i);
        expect(r.regions.some((region) => containsCentre(region, truth))).toBe(true);
        // The region around a mover spans where it is now (and where it was): no more than that.
        const region = r.regions.find((reg) => containsCentre(reg, truth))!;
        expect(region.w).toBeLessThan(truth.w * 2 + 0.05);
        expect(region.h).toBeLessThan(truth.h * 2 + 0.08);
        expect(region.x).toBeLessThanOrEqual(truth.x + 0.01);
        expect(region.x + region.w).toBeGreaterThanOrEqual(truth.x + truth.w - 0.01);
      }
    }
  });

  it('stays quiet on a static scene with sensor grain', () => {
    const scene = new TestScene(W, H);
    const results = run(scene, SETTINGS, 40, (i) => [i, []], 1);
    expect(results.filter((r) => r.moving)).toEqual([]);
    expect(Math.max(...results.map((r) => r.share))).toBeLessThan(0.001);
  });

  it('does not report a global lighting change as motion, and adapts to it at once', () => {
    const scene = new TestScene(W, H);
    const brighter = { gain: 1.25, offset: 12 };
    const results = run(scene, SETTINGS, 20, (i) => [i, [], i < 5 ? { gain: 1, offset: 0 } : brighter]);
    expect(results.filter((r) => r.moving)).toEqual([]);
    // Darker by an offset alone, too.
    const darker = run(scene, SETTINGS, 10, (i) => [i, [], { gain: 1, offset: i < 3 ? 0 : -35 }]);
    expect(darker.filter((r) => r.moving)).toEqual([]);
  });

  it('still finds a mover through a lighting change', () => {
    const scene = new TestScene(W, H);
    const a = mover(100, 100, 48, 48, 6, 0, [250, 250, 250]);
    const results = run(scene, SETTINGS, 8, (i) => [
      i,
      [a],
      i < 4 ? { gain: 1, offset: 0 } : { gain: 1.2, offset: 10 },
    ]);
    for (const [i, r] of results.entries()) {
      if (i === 0) continue;
      expect(r.regions.some((region) => containsCentre(region, scene.box(a, i)))).toBe(true);
    }
  });

  it('ignores motion inside the mask, and only there', () => {
    const scene = new TestScene(W, H);
    const inMask = mover(40, 40, 40, 40, 5, 0, [250, 250, 250]);
    const outside = mover(400, 250, 40, 40, 5, 0, [20, 20, 200]);
    // The left half of the frame's top half.
    const mask: MotionSettings['mask'] = [
      [
        [0, 0],
        [0.5, 0],
        [0.5, 0.5],
        [0, 0.5],
      ],
    ];
    const results = run(scene, { ...SETTINGS, mask }, 8, (i) => [i, [inMask, outside]]);
    for (const [i, r] of results.entries()) {
      if (i === 0) continue;
      expect(r.regions).toHaveLength(1);
      expect(containsCentre(r.regions[0]!, scene.box(outside, i))).toBe(true);
    }
    // Without the mask, the same mover is found.
    const unmasked = run(scene, SETTINGS, 3, (i) => [i, [inMask]]);
    expect(unmasked[2]!.regions.some((r) => containsCentre(r, scene.box(inMask, 2)))).toBe(true);
  });

  it('drops regions smaller than minArea', () => {
    const scene = new TestScene(W, H);
    const small = mover(300, 150, 8, 8, 4, 0, [250, 250, 250]);
    const found = run(scene, SETTINGS, 4, (i) => [i, [small]]);
    expect(found[3]!.moving).toBe(true);
    const dropped = run(scene, { ...SETTINGS, minArea: 0.01 }, 4, (i) => [i, [small]]);
    expect(dropped.map((r) => r.moving)).toEqual([false, false, false, false]);
  });

  it('calls a wholesale change of the picture global motion: the whole frame, then quiet again', () => {
    const scene = new TestScene(W, H);
    const other = new TestScene(W, H, 99);
    const detector = new MotionDetector(SETTINGS);
    for (let i = 0; i < 3; i++) detector.detect(scene.frame(i, []));
    // The camera turned towards another, brighter place: a picture that does not follow from the last.
    const turned = { gain: 1, offset: 50 };
    const moved = detector.detect(other.frame(0, [], turned));
    expect(moved).toMatchObject({ moving: true, global: true, regions: [{ x: 0, y: 0, w: 1, h: 1 }] });
    expect(detector.detect(other.frame(1, [], turned)).moving).toBe(false);
  });
});
